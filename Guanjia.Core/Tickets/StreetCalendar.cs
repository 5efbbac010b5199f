using Guanjia.Core.Community;

namespace Guanjia.Core.Tickets;

/// <summary>The street's time zone and working-day calendar: when a time limit runs out.</summary>
public sealed class StreetCalendar(TimeZoneInfo zone, Holidays? holidays)
{
    public TimeZoneInfo Zone { get; } = zone;

    public static StreetCalendar For(CommunityConfig config) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(config.Street.TimeZone), config.Holidays);

    public bool IsWorkingDay(DateOnly day) =>
        holidays?.IsWorkingDay(day) ?? day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    public DateTimeOffset Due(DateTimeOffset start, TimeLimit limit)
    {
        if (!limit.IsWorkingDays)
        {
            return start + limit.ToTimeSpan();
        }

        // Working days keep the local time of day and skip weekends and holidays (调休 days count).
        var local = TimeZoneInfo.ConvertTime(start, Zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        for (var remaining = limit.Amount; remaining > 0;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                remaining--;
            }
        }

        var dueLocal = day.ToDateTime(TimeOnly.FromDateTime(local.DateTime));
        return new DateTimeOffset(dueLocal, Zone.GetUtcOffset(dueLocal)).ToUniversalTime();
    }
}
