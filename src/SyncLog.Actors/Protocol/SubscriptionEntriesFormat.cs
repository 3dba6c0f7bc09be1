using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// The wire format of <see cref="SubscriptionEntries"/> under manifest <see cref="Manifest"/>: length-prefixed binary
/// instead of JSON, because pushed pages carry every entry a follower catches up and JSON (escaping each entry's JSON
/// <c>Data</c> as a string, and reading it back) cost the leader and the follower several microseconds per entry.
/// </summary>
/// <remarks>
/// Little-endian: library id (16 bytes), entry count (int32), then per entry: id, sequence (int64), device id,
/// timestamp (clock ticks int64, offset minutes int16), model type, record id, change type (int32), version (int64),
/// data, and a checksum flag (byte 0 or 1) followed by its 32 bytes. Each text is an int32 byte length and strict UTF-8.
/// Anything else (short, trailing bytes, a bad length, invalid UTF-8, an unknown change type) is refused.
/// </remarks>
internal static class SubscriptionEntriesFormat
{
    /// <summary>The manifest of this format.</summary>
    public const string Manifest = "subscription-entries-v2";

    // The fewest bytes an entry takes (all texts empty, no checksum): bounds the count a payload may claim.
    private const int MinEntryBytes = 8 + 8 + 4 + 8 + 2 + 4 + 4 + 4 + 8 + 4 + 1;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="message"/> in this format.</summary>
    public static byte[] Write(SubscriptionEntries message)
    {
        var entries = message.Entries ?? throw new ArgumentException("SubscriptionEntries.Entries must not be null", nameof(message));
        var buffer = new ArrayBufferWriter<byte>(64 + entries.Count * 256);
        message.LibraryId.TryWriteBytes(buffer.GetSpan(16));
        buffer.Advance(16);
        WriteInt32(buffer, entries.Count);
        foreach (var e in entries)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(message));
            WriteInt64(buffer, e.Id);
            WriteInt64(buffer, e.Sequence);
            WriteText(buffer, e.DeviceId);
            WriteInt64(buffer, e.Timestamp.Ticks);
            BinaryPrimitives.WriteInt16LittleEndian(buffer.GetSpan(2), (short)e.Timestamp.TotalOffsetMinutes);
            buffer.Advance(2);
            WriteText(buffer, e.ModelType);
            WriteText(buffer, e.RecordId);
            WriteInt32(buffer, (int)e.ChangeType);
            WriteInt64(buffer, e.Version);
            WriteText(buffer, e.Data);
            var span = buffer.GetSpan(1 + SyncLogChecksum.Size);
            if (e.Checksum is { } checksum)
            {
                span[0] = 1;
                checksum.WriteTo(span[1..]);
                buffer.Advance(1 + SyncLogChecksum.Size);
            }
            else
            {
                span[0] = 0;
                buffer.Advance(1);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a payload of this format.</summary>
    /// <exception cref="SerializationException">The payload is not a whole, well-formed message of this format.</exception>
    public static SubscriptionEntries Read(ReadOnlySpan<byte> payload)
    {
        var reader = new Reader(payload);
        var library = new Guid(reader.Take(16));
        var count = reader.Int32();
        if (count < 0 || count > reader.Remaining / MinEntryBytes)
            throw Malformed($"it claims {count} entries in {reader.Remaining} bytes");
        var entries = new SyncLogEntry[count];
        for (var i = 0; i < count; i++)
        {
            var id = reader.Int64();
            var sequence = reader.Int64();
            var device = reader.Text();
            var ticks = reader.Int64();
            var offset = BinaryPrimitives.ReadInt16LittleEndian(reader.Take(2));
            var model = reader.Text();
            var record = reader.Text();
            var change = (ChangeType)reader.Int32();
            if (!Enum.IsDefined(change))
                throw Malformed($"entry {i} has change type {(int)change}");
            var version = reader.Int64();
            var data = reader.Text();
            SyncLogChecksum? checksum = reader.Take(1)[0] switch
            {
                0 => null,
                1 => SyncLogChecksum.FromBytes(reader.Take(SyncLogChecksum.Size)),
                var flag => throw Malformed($"entry {i} has checksum flag {flag}"),
            };
            DateTimeOffset timestamp;
            try
            {
                timestamp = new DateTimeOffset(ticks, TimeSpan.FromMinutes(offset));
            }
            catch (ArgumentException e)
            {
                throw Malformed($"entry {i} has no valid timestamp ({e.Message})");
            }

            entries[i] = new SyncLogEntry(id, sequence, device, timestamp, model, record, change, version, data, checksum);
        }

        if (reader.Remaining != 0)
            throw Malformed($"{reader.Remaining} bytes follow the last entry");
        return new SubscriptionEntries(library, entries);
    }

    private static void WriteInt32(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteText(ArrayBufferWriter<byte> buffer, string text)
    {
        // A null where the protocol has none is refused here, as the JSON format refuses it on reading.
        ArgumentNullException.ThrowIfNull(text);
        var span = buffer.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(text.Length));
        var length = Encoding.UTF8.GetBytes(text, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        buffer.Advance(4 + length);
    }

    private static SerializationException Malformed(string why) => new($"malformed {Manifest} payload: {why}");

    private ref struct Reader(ReadOnlySpan<byte> payload)
    {
        private readonly ReadOnlySpan<byte> _payload = payload;
        private int _at;

        public readonly int Remaining => _payload.Length - _at;

        public ReadOnlySpan<byte> Take(int count)
        {
            if (count > Remaining)
                throw Malformed($"it ends {count - Remaining} bytes early");
            var span = _payload.Slice(_at, count);
            _at += count;
            return span;
        }

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public string Text()
        {
            var length = Int32();
            if (length < 0)
                throw Malformed($"a text has length {length}");
            try
            {
                return Strict.GetString(Take(length));
            }
            catch (DecoderFallbackException e)
            {
                throw Malformed($"a text is not UTF-8 ({e.Message})");
            }
        }
    }
}
