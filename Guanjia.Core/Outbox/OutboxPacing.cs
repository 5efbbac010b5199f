using System.Collections.Concurrent;

namespace Guanjia.Core.Outbox;

/// <summary>
/// What the outbox remembers between passes, per destination: WeCom's send limits (a sliding log of sends),
/// the rest imposed by a 45009, and robots found removed. In memory: one per process.
/// </summary>
public sealed class OutboxPacing(OutboxOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _sends = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _removedRobots = new(StringComparer.Ordinal);

    /// <summary>Destinations that must not be sent to now (rate-limited or resting after 45009).</summary>
    public IReadOnlyCollection<string> PausedTargets()
    {
        var now = time.GetUtcNow();
        List<string> paused = [];
        foreach (var (target, until) in _pausedUntil)
        {
            if (until > now)
            {
                paused.Add(target);
            }
            else
            {
                _pausedUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(target, until));
            }
        }

        return paused;
    }

    /// <summary>Takes a send permit for the message's destination, or pauses the destination until one frees up.</summary>
    public bool TryAcquire(OutboxMessage message)
    {
        var permits = message.Channel switch
        {
            OutboxChannel.Robot => options.RobotPermits,
            OutboxChannel.AppUser => options.AppUserPermits,
            _ => 0,
        };
        var now = time.GetUtcNow();
        if (_pausedUntil.TryGetValue(message.Target, out var until) && until > now)
        {
            return false;
        }

        if (permits == 0)
        {
            return true;
        }

        var log = _sends.GetOrAdd(message.Target, static _ => new Queue<DateTimeOffset>());
        lock (log)
        {
            while (log.Count > 0 && log.Peek() <= now - options.PacingWindow)
            {
                log.Dequeue();
            }

            if (log.Count < permits)
            {
                log.Enqueue(now);
                return true;
            }

            Pause(message.Target, log.Peek() + options.PacingWindow);
            return false;
        }
    }

    /// <summary>Rests a destination until <paramref name="until"/> (e.g. the window after WeCom's 45009).</summary>
    public void Pause(string target, DateTimeOffset until) =>
        _pausedUntil.AddOrUpdate(target, until, (_, current) => current > until ? current : until);

    public void MarkRobotRemoved(string robotKey) => _removedRobots[robotKey] = true;

    public bool IsRobotRemoved(string robotKey) => _removedRobots.ContainsKey(robotKey);

    /// <summary>The robot was added again (or its key put back in service): send to it again.</summary>
    public void ForgetRobotRemoved(string robotKey) => _removedRobots.TryRemove(robotKey, out _);
}
