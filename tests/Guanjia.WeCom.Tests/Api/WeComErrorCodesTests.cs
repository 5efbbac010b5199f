using Guanjia.WeCom.Api;

namespace Guanjia.WeCom.Tests.Api;

public class WeComErrorCodesTests
{
    [Theory]
    [InlineData(0, WeComErrorKind.Ok)]
    [InlineData(-1, WeComErrorKind.Retryable)]
    [InlineData(45009, WeComErrorKind.Retryable)]
    [InlineData(45033, WeComErrorKind.Retryable)]
    [InlineData(WeComErrorCodes.ClientTimeout, WeComErrorKind.Retryable)]
    [InlineData(WeComErrorCodes.ClientNetworkError, WeComErrorKind.Retryable)]
    [InlineData(WeComErrorCodes.ClientHttpServerError, WeComErrorKind.Retryable)]
    [InlineData(WeComErrorCodes.ClientInvalidResponse, WeComErrorKind.Retryable)]
    [InlineData(40014, WeComErrorKind.TokenExpired)]
    [InlineData(41001, WeComErrorKind.TokenExpired)]
    [InlineData(42001, WeComErrorKind.TokenExpired)]
    [InlineData(40001, WeComErrorKind.Configuration)]
    [InlineData(40013, WeComErrorKind.Configuration)]
    [InlineData(40091, WeComErrorKind.Configuration)]
    [InlineData(60020, WeComErrorKind.Configuration)]
    [InlineData(48002, WeComErrorKind.Configuration)]
    [InlineData(60011, WeComErrorKind.Configuration)]
    [InlineData(40056, WeComErrorKind.Configuration)]
    [InlineData(301002, WeComErrorKind.Configuration)]
    [InlineData(WeComErrorCodes.ClientNotConfigured, WeComErrorKind.Configuration)]
    [InlineData(93000, WeComErrorKind.Permanent)]
    [InlineData(81013, WeComErrorKind.Permanent)]
    [InlineData(40003, WeComErrorKind.Permanent)]
    [InlineData(40007, WeComErrorKind.Permanent)]
    [InlineData(40033, WeComErrorKind.Permanent)]
    [InlineData(40050, WeComErrorKind.Permanent)]
    [InlineData(40058, WeComErrorKind.Permanent)]
    [InlineData(44004, WeComErrorKind.Permanent)]
    [InlineData(45002, WeComErrorKind.Permanent)]
    [InlineData(WeComErrorCodes.ClientHttpError, WeComErrorKind.Permanent)]
    [InlineData(WeComErrorCodes.ClientImageTooLarge, WeComErrorKind.Permanent)]
    [InlineData(WeComErrorCodes.ClientResponseUrlAlreadyUsed, WeComErrorKind.Permanent)]
    public void Classify_MapsCodeToKind(int errCode, WeComErrorKind expected) =>
        Assert.Equal(expected, WeComErrorCodes.Classify(errCode));

    [Theory]
    [InlineData(500, WeComErrorKind.Retryable)]
    [InlineData(502, WeComErrorKind.Retryable)]
    [InlineData(503, WeComErrorKind.Retryable)]
    [InlineData(429, WeComErrorKind.Retryable)]
    [InlineData(404, WeComErrorKind.Permanent)]
    [InlineData(400, WeComErrorKind.Permanent)]
    public void FromStatus_ClassifiesHttpFailures(int status, WeComErrorKind expected) =>
        Assert.Equal(expected, WeComHttp.FromStatus((System.Net.HttpStatusCode)status).Kind);
}
