namespace SyncLog.Storage;

/// <summary>
/// Where one library's chain will be when the appends sent so far are written: the library actor chains each validated
/// append onto it as it arrives (see <see cref="PreparedAppend"/>), off the writer's thread. It is a guess the writer
/// checks entry by entry, so it is put back on the writer's own tip whenever nothing is waiting to be written.
/// Not thread-safe: the library actor's thread only.
/// </summary>
internal sealed class AppendChain
{
    private readonly ChecksumInputs _inputs = new();
    private long _latest;
    private SyncLogChecksum _head;

    /// <summary>The guessed tip: the latest sequence and checksum once everything prepared so far is written.</summary>
    public (long Latest, SyncLogChecksum Head) Tip => (_latest, _head);

    /// <summary>Starts the guess over from what the log holds (its latest sequence and the checksum there), or rewinds it to a <see cref="Tip"/>.</summary>
    public void Reset(long latest, SyncLogChecksum head)
    {
        _latest = latest;
        _head = head;
    }

    /// <summary>Encodes and chains <paramref name="entries"/> (already validated) after the guessed tip, and moves the tip past them.</summary>
    public PreparedAppend Prepare(IReadOnlyList<NewSyncLogEntry> entries)
    {
        var copied = new NewSyncLogEntry[entries.Count];
        var prepared = new PreparedEntry[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var e = copied[i] = entries[i];
            var sequence = _latest + 1;
            var input = _inputs.Encode(_head, sequence, e.DeviceId, e.Timestamp, e.ModelType, e.RecordId, e.ChangeType,
                e.Version, e.Data);
            var checksum = ChecksumChain.Hash(input.Span);
            prepared[i] = new PreparedEntry(input, sequence, _head, checksum);
            _latest = sequence;
            _head = checksum;
        }

        return PreparedAppend.Of(copied, prepared);
    }
}
