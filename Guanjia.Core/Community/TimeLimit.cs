using System.Globalization;

namespace Guanjia.Core.Community;

/// <summary>Unit of a <see cref="TimeLimit"/>.</summary>
public enum TimeLimitUnit
{
    Seconds,
    Minutes,
    Hours,
    Days,
    WorkingDays,
}

/// <summary>
/// A time limit from community.yaml: <c>90s</c>, <c>15m</c>, <c>4h</c>, <c>7d</c> or <c>3wd</c> (working days).
/// Clock units convert to a <see cref="TimeSpan"/>; working days need a calendar to count.
/// </summary>
public readonly record struct TimeLimit(int Amount, TimeLimitUnit Unit)
{
    public bool IsWorkingDays => Unit == TimeLimitUnit.WorkingDays;

    /// <summary>The clock duration; throws for working days, which depend on the calendar.</summary>
    public TimeSpan ToTimeSpan() => Unit switch
    {
        TimeLimitUnit.Seconds => TimeSpan.FromSeconds(Amount),
        TimeLimitUnit.Minutes => TimeSpan.FromMinutes(Amount),
        TimeLimitUnit.Hours => TimeSpan.FromHours(Amount),
        TimeLimitUnit.Days => TimeSpan.FromDays(Amount),
        _ => throw new InvalidOperationException($"{this} counts working days and has no fixed duration."),
    };

    public static bool TryParse(string? text, out TimeLimit limit)
    {
        limit = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var digits = 0;
        while (digits < s.Length && char.IsAsciiDigit(s[digits]))
        {
            digits++;
        }

        if (digits == 0 || digits > 9)
        {
            return false;
        }

        TimeLimitUnit? unit = s[digits..] switch
        {
            "s" => TimeLimitUnit.Seconds,
            "m" => TimeLimitUnit.Minutes,
            "h" => TimeLimitUnit.Hours,
            "d" => TimeLimitUnit.Days,
            "wd" => TimeLimitUnit.WorkingDays,
            _ => null,
        };
        var amount = int.Parse(s[..digits], NumberStyles.None, CultureInfo.InvariantCulture);
        if (unit is null || amount <= 0)
        {
            return false;
        }

        limit = new TimeLimit(amount, unit.Value);
        return true;
    }

    public override string ToString() => Amount.ToString(CultureInfo.InvariantCulture) + Unit switch
    {
        TimeLimitUnit.Seconds => "s",
        TimeLimitUnit.Minutes => "m",
        TimeLimitUnit.Hours => "h",
        TimeLimitUnit.Days => "d",
        _ => "wd",
    };
}
