namespace SyncLog.Storage;

/// <summary>
/// Checksum inputs (<see cref="ChecksumChain.Encode"/>) written one after another into shared chunks, so encoding a set
/// of entries ahead of the writer costs one allocation per chunk rather than one per entry. A chunk stays alive as long
/// as any input in it is referenced; inputs are never written again once handed out.
/// </summary>
internal sealed class ChecksumInputs
{
    private const int ChunkBytes = 64 * 1024;
    private byte[] _chunk = [];
    private int _used;

    /// <summary>The checksum input of one entry chained on <paramref name="previous"/> at <paramref name="sequence"/>.</summary>
    public ReadOnlyMemory<byte> Encode(SyncLogChecksum previous, long sequence, string deviceId, DateTimeOffset timestamp,
        string modelType, string recordId, ChangeType changeType, long version, string data)
    {
        var timestampText = UtcTimestamp.ToText(timestamp);
        var changeTypeText = ChangeTypeText.ToText(changeType);
        var size = ChecksumChain.EncodedSize(deviceId, timestampText, modelType, recordId, changeTypeText, data);
        if (_chunk.Length - _used < size)
        {
            _chunk = new byte[Math.Max(size, ChunkBytes)];
            _used = 0;
        }

        var length = ChecksumChain.Encode(_chunk.AsSpan(_used), previous, sequence, deviceId, timestampText, modelType,
            recordId, changeTypeText, version, data);
        var input = _chunk.AsMemory(_used, length);
        _used += length;
        return input;
    }
}
