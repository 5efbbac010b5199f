namespace Guanjia.Core.Community;

/// <summary>
/// The street office (街道) that owns every community. <see cref="ConfirmWithin"/>: how long a
/// resolved ticket waits for the reporter's 确认 or 评价 before it is closed automatically.
/// </summary>
public sealed record Street(string Id, string Name, string TimeZone, string Office, TimeLimit? ConfirmWithin = null)
{
    /// <summary>The default of <c>street.confirmWithin</c>: three working days.</summary>
    public static TimeLimit DefaultConfirmWithin { get; } = new(3, TimeLimitUnit.WorkingDays);

    public TimeLimit ConfirmLimit => ConfirmWithin ?? DefaultConfirmWithin;
}

/// <summary>A community (社区) with its WeCom group, its office department and its compounds.</summary>
public sealed record CommunityInfo(
    string Id,
    string Name,
    string ChatId,
    string? RobotKey,
    string Office,
    IReadOnlyList<Compound> Compounds);

/// <summary>How a compound is managed: a property company, a part-time/red property, or no one.</summary>
public enum Management
{
    Full,
    Semi,
    None,
}

/// <summary>
/// A compound (小区/楼院). <see cref="Property"/> is the department that manages it, or null;
/// <see cref="Location"/> its GCJ-02 point (as WeCom location messages give them), or null.
/// </summary>
public sealed record Compound(
    string Id,
    string Name,
    IReadOnlyList<string> Aliases,
    Management Management,
    string? Property,
    string CommunityId,
    GeoPoint? Location = null);

/// <summary>A point on the map in degrees (GCJ-02, the datum of WeCom location messages).</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    private const double EarthRadiusMetres = 6_371_008.8;

    /// <summary>Great-circle distance in metres (haversine); GCJ-02's offset is the same for both points at street scale.</summary>
    public double DistanceTo(GeoPoint other)
    {
        var lat1 = double.DegreesToRadians(Latitude);
        var lat2 = double.DegreesToRadians(other.Latitude);
        var dLat = lat2 - lat1;
        var dLng = double.DegreesToRadians(other.Longitude - Longitude);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(dLng / 2) * Math.Sin(dLng / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}

/// <summary>A responsible party that receives dispatched tickets in its own WeCom group.</summary>
public sealed record Department(
    string Id,
    string Name,
    string? ChatId,
    string? RobotKey,
    IReadOnlyList<string> Members);

/// <summary>
/// A ticket category. <see cref="Department"/> is a department id or one of the roles
/// <see cref="PropertyRole"/> / <see cref="CommunityRole"/>. <see cref="AcceptSla"/> is how long
/// the department may take to 签收 (optional <c>acceptSla</c>; by default a quarter of the time limit, at most <see cref="DefaultAcceptCap"/>).
/// <see cref="Confidential"/> tips reach only the department and the community's secretaries;
/// <see cref="Advice"/> is the safety line an acknowledgement starts with.
/// </summary>
public sealed record Category(
    string Code,
    string Name,
    string Department,
    TimeLimit Sla,
    TimeLimit? UrgentSla,
    int Points,
    bool AlwaysUrgent,
    TimeLimit? AcceptSla = null,
    bool Confidential = false,
    string? Advice = null)
{
    public const string PropertyRole = "property";
    public const string CommunityRole = "community";
    public const string OtherCode = "other";

    /// <summary>Without <c>acceptSla</c>: a quarter of the time limit, at most two hours.</summary>
    public static readonly TimeSpan DefaultAcceptCap = TimeSpan.FromHours(2);

    /// <summary>The time limit for a ticket of this category; urgent ones use urgentSla when set.</summary>
    public TimeLimit TimeLimitFor(bool urgent) => urgent && UrgentSla is { } u ? u : Sla;
}

/// <summary>Someone who talks to the bot.</summary>
public sealed record Person(
    string UserId,
    string Name,
    IReadOnlyList<string> Roles,
    string? CommunityId,
    IReadOnlyList<string> Compounds)
{
    public const string StewardRole = "steward";
    public const string SecretaryRole = "secretary";
    public const string AdminRole = "admin";

    public bool HasRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

/// <summary>
/// The points scheme (积分). <see cref="VoucherValidDays"/> is how long a voucher code lives;
/// <see cref="DuplicateReporters"/> who is paid when duplicates were merged into one ticket;
/// <see cref="PatrolRadius"/> how close (metres) a location must be to a compound to prove a patrol.
/// </summary>
public sealed record PointsConfig(
    decimal PointValueCny,
    int DailyCapPerPerson,
    IReadOnlyList<PointsTask> Tasks,
    IReadOnlyList<Merchant> Merchants,
    int VoucherValidDays = 30,
    DuplicateReporters DuplicateReporters = DuplicateReporters.None,
    int PatrolRadius = PointsConfig.DefaultPatrolRadius)
{
    public const int DefaultPatrolRadius = 300;
}

/// <summary>Who earns when duplicate reports were merged: only the first reporter, or every distinct reporter.</summary>
public enum DuplicateReporters
{
    None,
    All,
}

/// <summary>
/// A task that earns points. <see cref="Points"/> is null when <see cref="PointsFromCategory"/>
/// (the task earns the points of the reported category).
/// </summary>
public sealed record PointsTask(string Code, string Name, int? Points, bool PointsFromCategory, int? PerDay);

/// <summary>A merchant of the points alliance (联盟商户) where points are redeemed.</summary>
public sealed record Merchant(string Id, string Name, IReadOnlyList<string> Members);

/// <summary>
/// Public holidays (days off) and adjusted working days (调休上班) used to count working days.
/// Optional in the YAML: <c>holidays: { off: [2026-10-01, …], workdays: [2026-09-27, …] }</c>.
/// </summary>
public sealed record Holidays(IReadOnlyList<DateOnly> Off, IReadOnlyList<DateOnly> Workdays)
{
    public bool IsWorkingDay(DateOnly day)
    {
        if (Workdays.Contains(day))
        {
            return true;
        }

        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Off.Contains(day);
    }
}

/// <summary>Who owns a WeCom chat: a community group (whose office may share it) and/or a department group.</summary>
public sealed record ChatOwner(CommunityInfo? Community, Department? Department)
{
    public bool IsCommunityGroup => Community is not null;
}
