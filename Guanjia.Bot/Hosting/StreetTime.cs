namespace Guanjia.Bot.Hosting;

/// <summary>The street's time zone: instants are stored in UTC and shown in local time.</summary>
public sealed record StreetTime(TimeZoneInfo Zone);
