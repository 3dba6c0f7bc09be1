namespace SyncLog.Storage;

/// <summary>
/// A leader's entries checked and encoded once, away from the writer (<see cref="SyncLogDb.PrepareReplication"/>), so
/// that <see cref="SyncLogDb.ReplicateAsync(PreparedReplication, CancellationToken)"/> only links the set to the log's
/// head and inserts. Holds no state of any log: the same set is judged against whatever head the log has when written.
/// </summary>
public sealed class PreparedReplication
{
    // Encodings are packed into chunks below the large object heap's threshold, so a set costs young allocations only.

    private readonly SyncLogEntry[] _entries;
    // Read-only: the writer takes sequences and versions from the entries and texts from their encodings, so an entry
    // changed after preparing (through an array cast) would be written with a checksum that hashed another.
    private readonly IReadOnlyList<SyncLogEntry> _view;
    // When every entry carries the leader's checksum: each entry's checksum input (the first with its previous
    // checksum still blank), and the first entry whose checksum is not the hash of its predecessor's and its content.
    private readonly ReadOnlyMemory<byte>[]? _encoded;
    private readonly long? _brokenLinkAt;

    private PreparedReplication(SyncLogEntry[] entries, ReadOnlyMemory<byte>[]? encoded, long? brokenLinkAt)
    {
        _entries = entries;
        _view = Array.AsReadOnly(entries);
        _encoded = encoded;
        _brokenLinkAt = brokenLinkAt;
    }

    /// <summary>The entries, as given, in order.</summary>
    public IReadOnlyList<SyncLogEntry> Entries => _view;

    /// <summary>
    /// True when every entry carries the leader's checksum, so the set was chain-checked inside itself and the writer
    /// only links its first entry to the head; false: the writer chains and checks it entry by entry.
    /// </summary>
    public bool IsChained => _encoded is not null;

    /// <summary>The first entry's sequence.</summary>
    public long FirstSequence => _entries[0].Sequence;

    /// <summary>The first sequence whose checksum does not follow from its predecessor's inside the set; null if none.</summary>
    internal long? BrokenLinkAt => _brokenLinkAt;

    /// <summary>The checksum input of entry <paramref name="index"/> (see <see cref="ChecksumChain.Encode"/>); entry 0's previous checksum is blank.</summary>
    internal ReadOnlySpan<byte> Encoded(int index) => _encoded![index].Span;

    /// <summary>Validates and encodes <paramref name="entries"/>; see <see cref="SyncLogDb.PrepareReplication"/>.</summary>
    internal static PreparedReplication Prepare(IReadOnlyList<SyncLogEntry>? entries, string paramName)
    {
        ArgumentNullException.ThrowIfNull(entries, paramName);
        if (entries.Count == 0)
            throw new ArgumentException("replication needs at least one entry", paramName);
        // A copy: a caller's list changed after preparing must not make the entries differ from their encodings.
        var copy = entries.ToArray();
        var chained = true;
        foreach (var entry in copy)
            chained &= entry?.Checksum is not null;
        if (!chained)
        {
            EntryValidator.ValidateReplicated(copy, paramName);
            return new PreparedReplication(copy, null, null);
        }

        var encoded = new ReadOnlyMemory<byte>[copy.Length];
        long? brokenLinkAt = null;
        var inputs = new ChecksumInputs();
        for (var i = 0; i < copy.Length; i++)
        {
            var e = copy[i];
            EntryValidator.ValidateStoredExceptData(e, paramName);
            var previous = i == 0 ? SyncLogChecksum.Zero : copy[i - 1].Checksum!.Value;
            var bytes = inputs.Encode(previous, e.Sequence, e.DeviceId, e.Timestamp, e.ModelType, e.RecordId, e.ChangeType,
                e.Version, e.Data);
            // The JSON check reads the UTF-8 just encoded instead of encoding the text once more.
            EntryValidator.RequireJsonUtf8(bytes.Span[ChecksumChain.TextsOf(bytes.Span).Data], paramName);
            EntryValidator.RequireContiguous(copy, i, paramName);
            encoded[i] = bytes;
            // Past the first broken link the rest would be refused with it: no need to hash them.
            if (i > 0 && brokenLinkAt is null && ChecksumChain.Hash(bytes.Span) != e.Checksum!.Value)
                brokenLinkAt = e.Sequence;
        }

        return new PreparedReplication(copy, encoded, brokenLinkAt);
    }
}
