using System.Buffers.Binary;

namespace SyncLog.Storage;

/// <summary>
/// Checks a log's files before SQLite opens them, for damage SQLite would silently paper over. Only the
/// <c>-wal</c> is read here: SQLite holds no lock on it, while closing a descriptor of our own on <c>sync.db</c>
/// would drop SQLite's POSIX locks on it. A damaged <c>sync.db</c> (garbage, truncated) SQLite reports itself.
/// </summary>
internal static class SyncLogFileCheck
{
    private const int WalHeaderSize = 32;
    private const uint WalMagicLittleEndian = 0x377f0682;
    private const uint WalMagicBigEndian = 0x377f0683;
    private const uint WalFormatVersion = 3007000;

    /// <summary>Throws <see cref="SyncLogOpenException"/> when the path is not a file or its WAL is not a SQLite WAL.</summary>
    public static void ThrowIfDamaged(string filePath)
    {
        if (Directory.Exists(filePath))
            throw new SyncLogOpenException(filePath, $"sync log '{filePath}' could not be opened: it is a folder, not a file");
        var walPath = filePath + "-wal";
        var wal = new FileInfo(walPath);
        if (!File.Exists(filePath) || !wal.Exists || wal.Length == 0)
            return;

        // SQLite treats a WAL with a bad header as empty and overwrites it at the next write: whatever it held
        // would be lost without a word. Refused instead, leaving both files for someone to inspect.
        Span<byte> header = stackalloc byte[WalHeaderSize];
        int read;
        try
        {
            using var stream = new FileStream(walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            read = stream.ReadAtLeast(header, WalHeaderSize, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SyncLogOpenException(filePath, $"sync log '{filePath}' could not be opened: its write-ahead log '{walPath}' cannot be read: {e.Message}", e);
        }

        // 0 bytes: emptied by its owner's checkpoint since the length was read (a read-only open of a live log).
        if (read == 0)
            return;
        if (read < WalHeaderSize || !IsValidWalHeader(header))
            throw new SyncLogOpenException(filePath,
                $"sync log '{filePath}' could not be opened: its write-ahead log '{walPath}' is not a SQLite WAL (bad header); " +
                "it may hold committed entries, so neither file was changed. Inspect it, or move it aside to open the log without it");
    }

    // The WAL header as https://www.sqlite.org/fileformat2.html#walformat defines it: magic, format version and a
    // checksum of the first 24 bytes, computed on 32-bit words in the byte order the magic's low bit names.
    private static bool IsValidWalHeader(ReadOnlySpan<byte> header)
    {
        var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic is not (WalMagicLittleEndian or WalMagicBigEndian)
            || BinaryPrimitives.ReadUInt32BigEndian(header[4..]) != WalFormatVersion)
            return false;
        var bigEndian = (magic & 1) == 1;
        uint s1 = 0, s2 = 0;
        for (var i = 0; i < 24; i += 8)
        {
            var x0 = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[i..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[i..]);
            var x1 = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(header[(i + 4)..]) : BinaryPrimitives.ReadUInt32LittleEndian(header[(i + 4)..]);
            unchecked
            {
                s1 += x0 + s2;
                s2 += x1 + s1;
            }
        }

        return s1 == BinaryPrimitives.ReadUInt32BigEndian(header[24..]) && s2 == BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
    }
}
