using SyncLog.Actors.Writes;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Base of the specs' fault-injecting <see cref="ILogWriter"/> decorators (installed through <see cref="LogWriterSeam"/>):
/// every operation goes straight to the library's real writer unless a decorator overrides it to fail, hold or record.
/// </summary>
internal abstract class DelegatingLogWriter : ILogWriter
{
    protected DelegatingLogWriter(ILogWriter inner) => Inner = inner;

    /// <summary>For a decorator created before its library opens; it is given the real writer later.</summary>
    protected DelegatingLogWriter() => Inner = null!;

    /// <summary>The library's real writer.</summary>
    protected ILogWriter Inner { get; set; }

    /// <summary>For a decorator created before its library opens: wraps the real writer once the seam hands it over.</summary>
    public ILogWriter Around(ILogWriter inner)
    {
        Inner = inner;
        return this;
    }

    public virtual Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewSyncLogEntry> entries,
        Func<int, IReadOnlyList<NewSyncLogEntry>> joinLate, int maxEntries) =>
        Inner.AppendAsync(entries, joinLate, maxEntries);

    public virtual Task<ReplicationResult> ReplicateAsync(PreparedReplication set) => Inner.ReplicateAsync(set);

    public virtual Task<(long LatestSequence, long VacuumedThroughSequence)> ResyncFromAsync(long sequence, SyncLogChecksum? checksum) =>
        Inner.ResyncFromAsync(sequence, checksum);

    public virtual Task<long> LatestSequenceAsync() => Inner.LatestSequenceAsync();
}
