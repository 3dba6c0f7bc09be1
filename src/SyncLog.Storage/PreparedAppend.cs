namespace SyncLog.Storage;

/// <summary>
/// Validated entries whose checksum inputs were encoded, and chained, before they reached the writer: the library actor
/// does it on its own thread (see <see cref="AppendChain"/>), so the writer only checks each entry's link to its head
/// and inserts. An entry whose link does not hold (an entry before it was refused, a retried key wrote nothing, a
/// write failed) is linked and hashed again by the writer: a wrong guess costs time, never a wrong checksum.
/// </summary>
internal sealed class PreparedAppend : IReadOnlyList<NewSyncLogEntry>
{
    private readonly NewSyncLogEntry[] _entries;
    private readonly PreparedEntry?[] _prepared;

    private PreparedAppend(NewSyncLogEntry[] entries, PreparedEntry?[] prepared)
    {
        _entries = entries;
        _prepared = prepared;
    }

    /// <summary>The entries, as the caller sent them.</summary>
    public NewSyncLogEntry this[int index] => _entries[index];

    /// <summary>How many entries.</summary>
    public int Count => _entries.Length;

    /// <summary>The prepared form of entry <paramref name="index"/>, or null when it came unprepared.</summary>
    public PreparedEntry? PreparedAt(int index) => _prepared[index];

    /// <summary>Entries with their prepared forms, one each.</summary>
    public static PreparedAppend Of(NewSyncLogEntry[] entries, PreparedEntry[] prepared) =>
        entries.Length == prepared.Length
            ? new PreparedAppend(entries, prepared)
            : throw new ArgumentException("one prepared form per entry", nameof(prepared));

    /// <summary>
    /// The parts one after another, each entry keeping its prepared form if its part had one: a group commit of many
    /// appends, or the late joiners of one. Parts that are all unprepared come back as a plain list.
    /// </summary>
    public static IReadOnlyList<NewSyncLogEntry> Concat(IReadOnlyList<IReadOnlyList<NewSyncLogEntry>> parts)
    {
        if (parts.Count == 1)
            return parts[0];
        var count = 0;
        var anyPrepared = false;
        foreach (var part in parts)
        {
            count += part.Count;
            anyPrepared |= part is PreparedAppend;
        }

        var entries = new NewSyncLogEntry[count];
        var prepared = anyPrepared ? new PreparedEntry?[count] : null;
        var at = 0;
        foreach (var part in parts)
        {
            if (part is PreparedAppend p)
            {
                p._entries.CopyTo(entries, at);
                p._prepared.CopyTo(prepared!, at);
                at += p.Count;
                continue;
            }

            for (var i = 0; i < part.Count; i++)
                entries[at++] = part[i];
        }

        return prepared is null ? entries : new PreparedAppend(entries, prepared);
    }

    /// <summary>Enumerates the entries in order.</summary>
    public IEnumerator<NewSyncLogEntry> GetEnumerator() => ((IEnumerable<NewSyncLogEntry>)_entries).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// One entry's checksum input (<see cref="ChecksumChain.Encode"/>), the sequence and previous checksum it was chained
/// on, and the checksum that gives: valid as the entry's checksum only if the writer's head and next sequence match.
/// </summary>
internal sealed record PreparedEntry(ReadOnlyMemory<byte> Encoded, long Sequence, SyncLogChecksum Previous, SyncLogChecksum Checksum);
