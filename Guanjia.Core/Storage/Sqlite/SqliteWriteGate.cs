using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Guanjia.Core.Storage.Sqlite;

/// <summary>
/// One writer at a time, queued in the process instead of in SQLite. SQLite allows a single
/// write transaction; when two collide, Microsoft.Data.Sqlite retries the loser after sleeping
/// 150 ms, which turns a 1 ms callback into a 150 ms one. Every transaction started through EF
/// (explicit ones and SaveChanges' own) waits here asynchronously instead; readers never do.
/// Callback storage goes first (<see cref="WritePriority.Urgent"/>): WeCom waits for its answer, while
/// ticket processing and sending can wait a few milliseconds. One instance per SQLite database.
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor
{
    private readonly Lock _sync = new();
    private readonly Queue<TaskCompletionSource> _first = new();
    private readonly Queue<TaskCompletionSource> _rest = new();
    private readonly ConditionalWeakTable<DbContext, Holder> _holders = [];
    private bool _held;

    /// <summary>Raised when a transaction starts waiting (tests watch the queue instead of sleeping).</summary>
    internal event Action? Queued;

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        EnterAsync().GetAwaiter().GetResult();
        Hold(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        await EnterAsync();
        Hold(eventData.Context);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback ends when its connection closes.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(eventData.Context);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    // Waits are not cancellable: every holder finishes within one transaction's time, and a
    // cancelled waiter left in the queue would have to be skipped by the releaser.
    private Task EnterAsync()
    {
        TaskCompletionSource waiter;
        lock (_sync)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (WritePriority.IsUrgent ? _first : _rest).Enqueue(waiter);
        }

        Queued?.Invoke();
        return waiter.Task;
    }

    private void Exit()
    {
        TaskCompletionSource? next;
        lock (_sync)
        {
            if (!_first.TryDequeue(out next) && !_rest.TryDequeue(out next))
            {
                _held = false;
                return;
            }
        }

        next.SetResult();
    }

    private void Hold(DbContext? context)
    {
        if (context is null)
        {
            Exit();
            throw new InvalidOperationException("SqliteWriteGate needs transactions started through a DbContext.");
        }

        _holders.AddOrUpdate(context, Holder.Instance);
    }

    private void Release(DbContext? context)
    {
        if (context is not null && _holders.Remove(context))
        {
            Exit();
        }
    }

    private sealed class Holder
    {
        public static readonly Holder Instance = new();
    }
}
