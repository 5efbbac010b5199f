using Guanjia.Core.Community;
using Guanjia.Core.Tickets;

namespace Guanjia.Core.Tests.Scheduling;

public sealed class StreetCalendarTests
{
    // 2026 National Day: 10月1日至7日放假调休; 9月20日（周日）、10月10日（周六）上班.
    private static readonly Holidays NationalDay2026 = new(
        [.. Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d))],
        [new DateOnly(2026, 9, 20), new DateOnly(2026, 10, 10)]);

    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private readonly StreetCalendar _calendar = new(TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), NationalDay2026);

    [Theory]
    // Wednesday before the holiday: the next working day is Thursday 8 October.
    [InlineData("2026-09-30T10:00", 1, "2026-10-08T10:00")]
    // Three working days: 8 (Thu), 9 (Fri), 10 (the make-up Saturday).
    [InlineData("2026-09-30T10:00", 3, "2026-10-10T10:00")]
    // Reported on a holiday: counts from the next working day.
    [InlineData("2026-10-03T16:30", 1, "2026-10-08T16:30")]
    // Friday before the make-up Sunday 20 September.
    [InlineData("2026-09-18T09:00", 1, "2026-09-20T09:00")]
    // Make-up Saturday 10 October to Monday 12.
    [InlineData("2026-10-10T11:00", 1, "2026-10-12T11:00")]
    // An ordinary week: Friday plus 2 working days is Tuesday.
    [InlineData("2026-11-20T08:00", 2, "2026-11-24T08:00")]
    public void Due_WorkingDays_SkipHolidaysAndCountMakeUpDays(string start, int days, string expected)
    {
        var due = _calendar.Due(Local(start), new TimeLimit(days, TimeLimitUnit.WorkingDays));
        Assert.Equal(Local(expected), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void Due_ClockHours_IgnoreHolidays()
    {
        Assert.Equal(Local("2026-10-02T02:00"), _calendar.Due(Local("2026-10-01T22:00"), new TimeLimit(4, TimeLimitUnit.Hours)));
    }

    [Fact]
    public void IsWorkingDay_FollowsTheHolidayListsAndWeekends()
    {
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2026, 10, 5)));
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2026, 10, 10)));
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2026, 9, 20)));
        Assert.False(_calendar.IsWorkingDay(new DateOnly(2026, 10, 11)));
        Assert.True(_calendar.IsWorkingDay(new DateOnly(2026, 10, 9)));
    }

    [Fact]
    public void CommunityYaml_HolidaysBlock_LoadsIntoTheCalendar()
    {
        var yaml = File.ReadAllText(RepoPaths.CommunityYaml);
        yaml = System.Text.RegularExpressions.Regex.Replace(yaml, @"(?ms)^holidays:.*?(?=^\S|\z)", "")
            + "\nholidays:\n  off: [2026-10-01, 2026-10-02, 2026-10-05]\n  workdays: [2026-10-10]\n";
        var calendar = StreetCalendar.For(CommunityConfigLoader.Parse(yaml));
        Assert.Equal(Local("2026-10-06T10:00"), calendar.Due(Local("2026-09-30T10:00"), new TimeLimit(1, TimeLimitUnit.WorkingDays)));
    }

    private static DateTimeOffset Local(string text) =>
        new(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), Shanghai);
}
