namespace Guanjia.Core.Storage;

/// <summary>
/// Marks writes that someone is waiting for (WeCom waits for the callback's answer). A provider
/// with a single writer (SQLite's write gate) lets them go first; PostgreSQL has no queue to jump.
/// </summary>
public static class WritePriority
{
    private static readonly AsyncLocal<bool> Current = new();

    /// <summary>Whether the current async flow is inside <see cref="Urgent"/>.</summary>
    public static bool IsUrgent => Current.Value;

    /// <summary>Transactions started in the returned scope's async flow are urgent.</summary>
    public static IDisposable Urgent()
    {
        Current.Value = true;
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        public void Dispose() => Current.Value = false;
    }
}
