using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Guanjia.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Guanjia.Core.Intake;

/// <summary>What storing an incoming message did.</summary>
public enum InboxWriteOutcome
{
    Stored,
    /// <summary>WeCom redelivered a message already stored: nothing was written.</summary>
    Duplicate,
}

/// <summary>
/// Durable intake with group commit: callers wait until their message is committed, and many
/// concurrent callbacks share one transaction, so the HTTP answer is both fast and durable.
/// Duplicates are dropped by the unique (Channel, MessageId) index, not by a check in C#.
/// Rows are never deleted, so a msgid is remembered far longer than <c>WeCom:ReplayWindow</c>
/// (callbacks older than that are refused at the endpoint); a future purge must keep at least that.
/// </summary>
public sealed class InboxWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private const int RowsPerStatement = 64;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private readonly RateWindow _rate = new();

    public InboxWriter(IServiceScopeFactory scopes, TimeProvider time)
    {
        _scopes = scopes;
        _time = time;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>Raised with the new row ids after each committed batch (the processor's wake-up).</summary>
    public event Action<IReadOnlyList<long>>? Committed;

    /// <summary>
    /// During a burst of callbacks, answering WeCom within its deadline matters more than making
    /// tickets and sending replies at once: background work then takes small steps with a
    /// <see cref="BurstPace"/> between them, leaving the CPU and the database to the callback path, and
    /// catches up when the burst ends. A burst is more than <see cref="BurstPerSecond"/> callbacks a
    /// second that also queue behind one another (a group commit of <see cref="QueuedBatch"/> or more):
    /// a city's steady few hundred a second, each stored on its own, is ordinary traffic and must not
    /// slow the tickets and dispatches down. Twice the 200 a second a city sends steadily (issue 13): at exactly that
    /// rate a second's jitter above 200, on a loaded machine with a few callbacks queueing, made it a burst, cut the
    /// intake to a few tickets a second and the outbox to one wave per pace, and the queue never drained.
    /// </summary>
    public const int BurstPerSecond = 400;

    /// <summary>A group commit this large means callbacks were waiting for one another: the callback path is saturated.</summary>
    public const int QueuedBatch = 8;

    public static readonly TimeSpan BurstPace = TimeSpan.FromMilliseconds(50);

    public bool IsBursting
    {
        get
        {
            lock (_rate)
            {
                RollRateWindow();
                return _rate.Previous > BurstPerSecond && _rate.PreviousLargest >= QueuedBatch;
            }
        }
    }

    /// <summary>Messages stored during the last full second: how hard WeCom is calling right now.</summary>
    public int StoredLastSecond
    {
        get
        {
            lock (_rate)
            {
                RollRateWindow();
                return _rate.Previous;
            }
        }
    }

    public Task<InboxWriteOutcome> WriteAsync(IncomingMessage message, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(message, new TaskCompletionSource<InboxWriteOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The inbox is shutting down.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                var ids = await WriteBatchAsync(batch);
                Committed?.Invoke(ids);
            }
            catch (Exception ex)
            {
                foreach (var item in batch)
                {
                    item.Done.TrySetException(ex);
                }
            }
        }
    }

    private async Task<List<long>> WriteBatchAsync(List<Pending> batch)
    {
        using var first = WritePriority.Urgent();
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            if (scope.ServiceProvider.GetService<GuanjiaStorage>() is { } storage)
            {
                await storage.MakeCommitsDurableAsync(connection);
            }

            // Through EF, so a provider's write gate (SQLite's) orders it with the other writers.
            await using var transaction = await db.Database.BeginTransactionAsync();
            var outcomes = new InboxWriteOutcome[batch.Count];
            var ids = new List<long>(batch.Count);
            var now = ProviderValue(db, nameof(InboxMessage.ReceivedAt), _time.GetUtcNow());
            for (var offset = 0; offset < batch.Count; offset += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, batch.Count - offset);
                await InsertAsync(connection, transaction.GetDbTransaction(), batch, offset, count, now, outcomes, ids);
            }

            ids.Sort();
            await transaction.CommitAsync();
            // Counted before the writers hear back, so a caller that has its answer sees its message counted.
            lock (_rate)
            {
                RollRateWindow();
                _rate.Current += ids.Count;
                _rate.CurrentLargest = Math.Max(_rate.CurrentLargest, batch.Count);
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(outcomes[i]);
            }

            return ids;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// One multi-row INSERT for up to <see cref="RowsPerStatement"/> messages: a statement per row
    /// cost more than the rows themselves. RETURNING names the rows that were new; its order is
    /// not guaranteed, so they are matched by (channel, msgid), first occurrence first.
    /// </summary>
    private static async Task InsertAsync(
        DbConnection connection, DbTransaction transaction, List<Pending> batch, int offset, int count, object now,
        InboxWriteOutcome[] outcomes, List<long> ids)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new System.Text.StringBuilder(
            """INSERT INTO "Inbox" ("Channel", "MessageId", "SenderId", "ChatId", "Payload", "ReceivedAt", "Attempts") VALUES """);
        for (var i = 0; i < count; i++)
        {
            var message = batch[offset + i].Message;
            sql.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture, $"(@c{i}, @m{i}, @s{i}, @h{i}, @p{i}, @r{i}, 0)");
            Parameter(command, $"@c{i}").Value = message.Channel.ToString();
            Parameter(command, $"@m{i}").Value = message.MessageId;
            Parameter(command, $"@s{i}").Value = message.SenderId;
            Parameter(command, $"@h{i}").Value = (object?)message.ChatId ?? DBNull.Value;
            Parameter(command, $"@p{i}").Value = JsonSerializer.Serialize(message, IntakeJsonContext.Default.IncomingMessage);
            Parameter(command, $"@r{i}").Value = now;
            outcomes[offset + i] = InboxWriteOutcome.Duplicate;
        }

        // ON CONFLICT DO NOTHING … RETURNING is understood by SQLite and PostgreSQL alike.
        sql.Append(""" ON CONFLICT ("Channel", "MessageId") DO NOTHING RETURNING "Id", "Channel", "MessageId" """);
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var channel = reader.GetString(1);
            var messageId = reader.GetString(2);
            for (var i = offset; i < offset + count; i++)
            {
                var message = batch[i].Message;
                if (outcomes[i] == InboxWriteOutcome.Duplicate && message.MessageId == messageId && message.Channel.ToString() == channel)
                {
                    outcomes[i] = InboxWriteOutcome.Stored;
                    ids.Add(reader.GetInt64(0));
                    break;
                }
            }
        }
    }

    /// <summary>A value as the model stores it (instants are converted by the context's value converter, not by hand).</summary>
    private static object ProviderValue(GuanjiaDbContext db, string property, object value)
    {
        var mapping = db.Model.FindEntityType(typeof(InboxMessage))!.FindProperty(property)!.GetTypeMapping();
        return mapping.Converter?.ConvertToProvider(value) ?? value;
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private void RollRateWindow()
    {
        var second = _time.GetUtcNow().ToUnixTimeSeconds();
        if (second != _rate.Second)
        {
            _rate.Previous = second == _rate.Second + 1 ? _rate.Current : 0;
            _rate.PreviousLargest = second == _rate.Second + 1 ? _rate.CurrentLargest : 0;
            _rate.Current = 0;
            _rate.CurrentLargest = 0;
            _rate.Second = second;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed class RateWindow
    {
        public long Second;
        public int Current;
        public int Previous;
        public int CurrentLargest;
        public int PreviousLargest;
    }

    private sealed record Pending(IncomingMessage Message, TaskCompletionSource<InboxWriteOutcome> Done);
}
