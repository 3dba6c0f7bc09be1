using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SyncLog.Storage;

/// <summary>
/// Computes the rolling checksum: SHA-256 over the previous checksum and a canonical encoding of the entry, so that
/// two different entries (or the same entry after a different history) never hash the same input.
/// </summary>
internal static class ChecksumChain
{
    // A version tag in the hashed input, so a future encoding can never produce the same bytes as this one.
    private static ReadOnlySpan<byte> Tag => "synclog-chain-v1"u8;

    private const int StackLimit = 1024;

    /// <summary>The checksum of a stored entry after <paramref name="previous"/>.</summary>
    public static SyncLogChecksum Next(SyncLogChecksum previous, SyncLogEntry entry) => Next(previous, entry.Sequence,
        entry.DeviceId, UtcTimestamp.ToText(entry.Timestamp), entry.ModelType, entry.RecordId,
        ChangeTypeText.ToText(entry.ChangeType), entry.Version, entry.Data);

    /// <summary>
    /// The checksum of one entry after <paramref name="previous"/>, from the column texts exactly as stored. Encoding:
    /// tag, the previous 32 bytes, sequence (8 bytes big-endian), then device_id, timestamp, model_type, record_id,
    /// change_type each as a 4-byte big-endian UTF-8 length and its bytes, version (8 bytes), data (length and bytes).
    /// </summary>
    public static SyncLogChecksum Next(SyncLogChecksum previous, long sequence, string deviceId, string timestamp,
        string modelType, string recordId, string changeType, long version, string data)
    {
        var size = EncodedSize(deviceId, timestamp, modelType, recordId, changeType, data);
        byte[]? rented = null;
        var buffer = size <= StackLimit ? stackalloc byte[size] : (rented = ArrayPool<byte>.Shared.Rent(size)).AsSpan(0, size);
        try
        {
            var length = Encode(buffer, previous, sequence, deviceId, timestamp, modelType, recordId, changeType, version, data);
            return Hash(buffer[..length]);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The most bytes <see cref="Encode"/> writes for these texts.</summary>
    public static int EncodedSize(string deviceId, string timestamp, string modelType, string recordId,
        string changeType, string data)
    {
        var utf8 = Encoding.UTF8;
        return Tag.Length + SyncLogChecksum.Size + 8 + 8 + 6 * 4
            + utf8.GetByteCount(deviceId) + utf8.GetByteCount(timestamp) + utf8.GetByteCount(modelType)
            + utf8.GetByteCount(recordId) + utf8.GetByteCount(changeType) + utf8.GetByteCount(data);
    }

    /// <summary>
    /// Writes the hashed input of one entry (see <see cref="Next(SyncLogChecksum, long, string, string, string, string, string, long, string)"/>)
    /// into <paramref name="buffer"/>; returns its length. <see cref="EncodedTexts"/> finds the column texts in it.
    /// </summary>
    public static int Encode(Span<byte> buffer, SyncLogChecksum previous, long sequence, string deviceId,
        string timestamp, string modelType, string recordId, string changeType, long version, string data)
    {
        var at = 0;
        Tag.CopyTo(buffer);
        at += Tag.Length;
        previous.WriteTo(buffer[at..]);
        at += SyncLogChecksum.Size;
        BinaryPrimitives.WriteInt64BigEndian(buffer[at..], sequence);
        at += 8;
        at = WriteText(buffer, at, deviceId);
        at = WriteText(buffer, at, timestamp);
        at = WriteText(buffer, at, modelType);
        at = WriteText(buffer, at, recordId);
        at = WriteText(buffer, at, changeType);
        BinaryPrimitives.WriteInt64BigEndian(buffer[at..], version);
        at += 8;
        return WriteText(buffer, at, data);
    }

    /// <summary>
    /// Overwrites the previous checksum in an input <see cref="Encode"/> wrote: an entry encoded before its chain's
    /// head was known is linked to it at write time without encoding the entry again.
    /// </summary>
    public static void SetPrevious(Span<byte> encoded, SyncLogChecksum previous) => previous.WriteTo(encoded[Tag.Length..]);

    /// <summary>
    /// Overwrites both the previous checksum and the sequence in an input <see cref="Encode"/> wrote: an entry chained
    /// on a guess that did not hold is linked where it really lands.
    /// </summary>
    public static void Relink(Span<byte> encoded, SyncLogChecksum previous, long sequence)
    {
        SetPrevious(encoded, previous);
        BinaryPrimitives.WriteInt64BigEndian(encoded[(Tag.Length + SyncLogChecksum.Size)..], sequence);
    }

    /// <summary>The checksum of an input <see cref="Encode"/> wrote.</summary>
    public static SyncLogChecksum Hash(ReadOnlySpan<byte> encoded)
    {
        Span<byte> hash = stackalloc byte[SyncLogChecksum.Size];
        SHA256.HashData(encoded, hash);
        return SyncLogChecksum.FromBytes(hash);
    }

    /// <summary>
    /// Where the UTF-8 column texts lie in an input <see cref="Encode"/> wrote, in column order: device_id, timestamp,
    /// model_type, record_id, change_type, data. The writer binds them as they are instead of encoding each text again.
    /// </summary>
    public static EncodedTexts TextsOf(ReadOnlySpan<byte> encoded)
    {
        var at = Tag.Length + SyncLogChecksum.Size + 8;
        var device = NextText(encoded, ref at);
        var timestamp = NextText(encoded, ref at);
        var model = NextText(encoded, ref at);
        var record = NextText(encoded, ref at);
        var change = NextText(encoded, ref at);
        at += 8;
        var data = NextText(encoded, ref at);
        return new EncodedTexts(device, timestamp, model, record, change, data);
    }

    private static Range NextText(ReadOnlySpan<byte> encoded, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32BigEndian(encoded[at..]);
        var text = new Range(at + 4, at + 4 + length);
        at += 4 + length;
        return text;
    }

    private static int WriteText(Span<byte> buffer, int at, string text)
    {
        var length = Encoding.UTF8.GetBytes(text, buffer[(at + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer[at..], length);
        return at + 4 + length;
    }
}
