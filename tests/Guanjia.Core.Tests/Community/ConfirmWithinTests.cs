using Guanjia.Core.Community;

namespace Guanjia.Core.Tests.Community;

public sealed class ConfirmWithinTests
{
    private static readonly string Shipped = File.ReadAllText(RepoPaths.CommunityYaml);
    private const string Office = "  office: street-office";

    private static CommunityConfig With(string value)
    {
        Assert.Contains(Office, Shipped, StringComparison.Ordinal);
        return CommunityConfigLoader.Parse(Shipped.Replace(Office, $"{Office}\n  confirmWithin: {value}", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_WithoutConfirmWithin_DefaultsToThreeWorkingDays()
    {
        var config = CommunityConfigLoader.Parse(Shipped);
        Assert.Null(config.Street.ConfirmWithin);
        Assert.Equal(new TimeLimit(3, TimeLimitUnit.WorkingDays), config.Street.ConfirmLimit);
    }

    [Theory]
    [InlineData("2wd", 2, TimeLimitUnit.WorkingDays)]
    [InlineData("48h", 48, TimeLimitUnit.Hours)]
    [InlineData("5d", 5, TimeLimitUnit.Days)]
    public void Load_WithConfirmWithin_ReadsIt(string value, int amount, TimeLimitUnit unit) =>
        Assert.Equal(new TimeLimit(amount, unit), With(value).Street.ConfirmLimit);

    [Fact]
    public void Load_WithMalformedConfirmWithin_NamesTheKey()
    {
        var error = Assert.Throws<CommunityConfigException>(() => With("soon"));
        Assert.Contains("street.confirmWithin", error.Message, StringComparison.Ordinal);
    }
}
