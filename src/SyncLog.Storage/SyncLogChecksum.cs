using System.Buffers.Binary;

namespace SyncLog.Storage;

/// <summary>
/// The rolling checksum of a log up to one entry: SHA-256 of the previous entry's checksum and this entry's content
/// (see docs/schema.md, "Rolling checksum"). Two logs with the same checksum at a sequence hold the same entries up to it.
/// </summary>
public readonly struct SyncLogChecksum : IEquatable<SyncLogChecksum>
{
    /// <summary>Bytes in a checksum (SHA-256).</summary>
    public const int Size = 32;

    private readonly ulong _a, _b, _c, _d;

    private SyncLogChecksum(ReadOnlySpan<byte> bytes)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>The chain's start: the checksum "before" sequence 1 (all zero bytes).</summary>
    public static SyncLogChecksum Zero => default;

    /// <summary>A checksum from its <see cref="Size"/> bytes, as stored.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not <see cref="Size"/> bytes long.</exception>
    public static SyncLogChecksum FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length == Size
        ? new SyncLogChecksum(bytes)
        : throw new ArgumentException($"a checksum is {Size} bytes, got {bytes.Length}", nameof(bytes));

    /// <summary>Parses the 64 hex digits <see cref="ToString"/> writes (either case).</summary>
    /// <exception cref="FormatException"><paramref name="hex"/> is not 64 hex digits.</exception>
    public static SyncLogChecksum Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != Size * 2)
            throw new FormatException($"a checksum is {Size * 2} hex digits, got {hex.Length} characters");
        return new SyncLogChecksum(Convert.FromHexString(hex));
    }

    /// <summary>The checksum's <see cref="Size"/> bytes, as stored in <c>sync_log_checksum</c>.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Writes the <see cref="Size"/> bytes into <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>64 lowercase hex digits.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>True when both checksums have the same bytes.</summary>
    public bool Equals(SyncLogChecksum other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <summary>True when <paramref name="obj"/> is a checksum with the same bytes.</summary>
    public override bool Equals(object? obj) => obj is SyncLogChecksum other && Equals(other);

    /// <summary>A hash code from the checksum's bytes.</summary>
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c, _d);

    /// <summary>True when both checksums have the same bytes.</summary>
    public static bool operator ==(SyncLogChecksum left, SyncLogChecksum right) => left.Equals(right);

    /// <summary>True when the checksums differ.</summary>
    public static bool operator !=(SyncLogChecksum left, SyncLogChecksum right) => !left.Equals(right);
}
