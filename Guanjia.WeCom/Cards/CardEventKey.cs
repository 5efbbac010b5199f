using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Guanjia.WeCom.Cards;

/// <summary>
/// A button's event_key: <c>&lt;action&gt;:&lt;ticket number&gt;[:&lt;argument&gt;]</c>, e.g.
/// <c>accept:12</c>, <c>rate:12:1</c>, <c>recat:12:fire</c> (contract, "Cards").
/// </summary>
public sealed record CardEventKey(string Action, int Ticket, string? Argument = null)
{
    public const string Accept = "accept";
    public const string Reject = "reject";
    public const string Done = "done";
    public const string Confirm = "confirm";
    public const string Reopen = "reopen";
    public const string Rate = "rate";
    public const string Recategorize = "recat";
    public const string Merge = "merge";
    public const string NotDuplicate = "notdup";
    public const string ExtendOk = "extend-ok";
    public const string ExtendNo = "extend-no";

    public override string ToString() => Argument is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Action}:{Ticket}")
        : string.Create(CultureInfo.InvariantCulture, $"{Action}:{Ticket}:{Argument}");

    /// <summary>Reads a key; false for anything not of the form action:number[:argument].</summary>
    public static bool TryParse(string? key, [NotNullWhen(true)] out CardEventKey? eventKey)
    {
        eventKey = null;
        if (string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        var parts = key.Trim().Split(':', 3);
        if (parts.Length < 2 || !IsAction(parts[0])
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticket) || ticket <= 0)
        {
            return false;
        }

        var argument = parts.Length == 3 ? parts[2] : null;
        if (argument is { Length: 0 })
        {
            return false;
        }

        eventKey = new CardEventKey(parts[0], ticket, argument);
        return true;
    }

    private static bool IsAction(string action) =>
        action.Length is > 0 and <= 32 && action.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
