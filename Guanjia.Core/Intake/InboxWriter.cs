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
/// </summary>
public sealed class InboxWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;
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
    /// tickets and sending replies at once: background work then takes one step per
    /// <see cref="BurstPace"/>, leaving the CPU and the database to the callback path, and
    /// catches up when the burst ends. A street's ordinary traffic never gets near this rate.
    /// </summary>
    public const int BurstPerSecond = 200;

    public static readonly TimeSpan BurstPace = TimeSpan.FromMilliseconds(20);

    public bool IsBursting => StoredLastSecond > BurstPerSecond;

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
                lock (_rate)
                {
                    RollRateWindow();
                    _rate.Current += ids.Count;
                }

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
        using var first = SqliteWriteGate.Prioritize();
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GuanjiaDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            if (db.Database.IsSqlite())
            {
                // The 200 WeCom gets means "stored": this commit is synced to disk, even on power loss.
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=FULL;");
            }

            // Through EF, so the write gate (SqliteWriteGate) orders it with the other writers.
            await using var transaction = await db.Database.BeginTransactionAsync();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
            // ON CONFLICT DO NOTHING is understood by SQLite and PostgreSQL alike.
            command.CommandText =
                """
                INSERT INTO "Inbox" ("Channel", "MessageId", "SenderId", "ChatId", "Payload", "ReceivedAt", "Attempts")
                VALUES (@channel, @messageId, @senderId, @chatId, @payload, @receivedAt, 0)
                ON CONFLICT ("Channel", "MessageId") DO NOTHING
                RETURNING "Id"
                """;
            var channel = Parameter(command, "@channel");
            var messageId = Parameter(command, "@messageId");
            var senderId = Parameter(command, "@senderId");
            var chatId = Parameter(command, "@chatId");
            var payload = Parameter(command, "@payload");
            var receivedAt = Parameter(command, "@receivedAt");

            var outcomes = new InboxWriteOutcome[batch.Count];
            var ids = new List<long>(batch.Count);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < batch.Count; i++)
            {
                var message = batch[i].Message;
                channel.Value = message.Channel.ToString();
                messageId.Value = message.MessageId;
                senderId.Value = message.SenderId;
                chatId.Value = (object?)message.ChatId ?? DBNull.Value;
                payload.Value = JsonSerializer.Serialize(message, IntakeJsonContext.Default.IncomingMessage);
                receivedAt.Value = now;
                var id = await command.ExecuteScalarAsync();
                if (id is null or DBNull)
                {
                    outcomes[i] = InboxWriteOutcome.Duplicate;
                }
                else
                {
                    outcomes[i] = InboxWriteOutcome.Stored;
                    ids.Add(Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            await transaction.CommitAsync();
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
            _rate.Current = 0;
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
    }

    private sealed record Pending(IncomingMessage Message, TaskCompletionSource<InboxWriteOutcome> Done);
}
