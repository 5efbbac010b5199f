using Guanjia.Bot.Outbox;
using Guanjia.Core.Outbox;
using Guanjia.WeCom.Api;

namespace Guanjia.Bot.Tests.Outbox;

public sealed class WeComOutboxTransportTests
{
    [Theory]
    [InlineData(0, OutboxFailure.None, false)]
    [InlineData(WeComErrorCodes.SystemBusy, OutboxFailure.Transient, false)]
    [InlineData(WeComErrorCodes.ClientHttpServerError, OutboxFailure.Transient, false)]
    [InlineData(WeComErrorCodes.ClientTimeout, OutboxFailure.Transient, true)]
    [InlineData(WeComErrorCodes.ClientNetworkError, OutboxFailure.Transient, true)]
    [InlineData(WeComErrorCodes.FrequencyLimited, OutboxFailure.RateLimited, false)]
    [InlineData(WeComErrorCodes.RobotKeyInvalid, OutboxFailure.RobotRemoved, false)]
    [InlineData(WeComErrorCodes.InvalidAccessToken, OutboxFailure.TokenRejected, false)]
    [InlineData(WeComErrorCodes.AccessTokenExpired, OutboxFailure.TokenRejected, false)]
    [InlineData(WeComErrorCodes.IpNotTrusted, OutboxFailure.Configuration, false)]
    [InlineData(WeComErrorCodes.ClientResponseUrlAlreadyUsed, OutboxFailure.AddressUnusable, false)]
    [InlineData(WeComErrorCodes.ClientInvalidAddress, OutboxFailure.AddressUnusable, false)]
    [InlineData(WeComErrorCodes.InvalidParameter, OutboxFailure.Permanent, false)]
    [InlineData(WeComErrorCodes.AllRecipientsInvalid, OutboxFailure.Permanent, false)]
    public void WeComResult_MapsToTheOutboxRule(int errCode, OutboxFailure expected, bool mayHaveArrived)
    {
        var outcome = WeComOutboxTransport.ToOutcome(WeComResult.FromCode(errCode, "x"));

        Assert.Equal((expected, errCode, mayHaveArrived), (outcome.Failure, outcome.Code, outcome.MayHaveArrived));
    }
}
