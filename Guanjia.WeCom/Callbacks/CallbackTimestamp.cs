using System.Globalization;

namespace Guanjia.WeCom.Callbacks;

/// <summary>The <c>timestamp</c> query value of a callback, checked against a replay window.</summary>
public static class CallbackTimestamp
{
    /// <summary>
    /// True when <paramref name="timestamp"/> is Unix seconds (digits only) within
    /// <paramref name="window"/> of <paramref name="now"/>, in either direction. The signature
    /// covers the timestamp, so a replayed callback cannot be given a fresh one.
    /// </summary>
    public static bool IsFresh(string? timestamp, DateTimeOffset now, TimeSpan window)
    {
        if (string.IsNullOrEmpty(timestamp) || timestamp.Length > 12
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        var distance = Math.Abs(now.ToUnixTimeSeconds() - seconds);
        return distance <= (long)window.TotalSeconds;
    }
}
