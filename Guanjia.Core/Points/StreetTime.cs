namespace Guanjia.Core.Points;

/// <summary>Days and months as the street counts them (its time zone), as UTC instants.</summary>
internal static class StreetTime
{
    public static DateOnly Day(TimeZoneInfo zone, DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    public static DateTimeOffset Midnight(TimeZoneInfo zone, DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static string Month(TimeZoneInfo zone, DateTimeOffset instant) =>
        Day(zone, instant).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    public static string Local(TimeZoneInfo zone, DateTimeOffset instant, string format) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
