using System.Security.Cryptography;
using System.Text;

namespace SyncLog.Cli;

/// <summary>
/// A JSON Lines input (<c>append --file path</c>, <c>replicate --from-file path</c>, or <c>-</c> for stdin) read whole, strictly as UTF-8, with a hash of
/// its content that names it in idempotency keys.
/// </summary>
internal sealed class EntriesFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private EntriesFile(string name, IReadOnlyList<(int Number, string Text)> lines, string contentHash)
    {
        Name = name;
        Lines = lines;
        ContentHash = contentHash;
    }

    /// <summary>How the input is named in messages: its full path, or "standard input".</summary>
    public string Name { get; }

    /// <summary>The non-blank lines with their 1-based line numbers.</summary>
    public IReadOnlyList<(int Number, string Text)> Lines { get; }

    /// <summary>The first 16 hex digits of the SHA-256 of the input's bytes.</summary>
    public string ContentHash { get; }

    /// <summary>
    /// Reads <paramref name="path"/> (or stdin for <c>-</c>), given as <paramref name="option"/>; a missing, unreadable or
    /// non-UTF-8 input is a usage error naming that option,
    /// and Ctrl-C (<paramref name="ct"/>) while waiting for stdin ends the read with <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<EntriesFile> ReadAsync(string path, string option, CancellationToken ct)
    {
        byte[] bytes;
        string name;
        if (path == "-")
        {
            name = "standard input";
            using var stdin = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            // A read of a terminal or pipe does not observe the token itself: stop waiting for it instead.
            await stdin.CopyToAsync(buffer, ct).WaitAsync(ct);
            // Ctrl-C can also end the read early, as if the input had ended: that is not the whole input.
            ct.ThrowIfCancellationRequested();
            bytes = buffer.ToArray();
        }
        else
        {
            name = Path.GetFullPath(path);
            if (Directory.Exists(name))
                throw new CliUsageException($"{option} '{name}' is a directory, not a JSON Lines file");
            if (!File.Exists(name))
                throw new CliUsageException($"{option} '{name}' does not exist");
            try
            {
                bytes = File.ReadAllBytes(name);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new CliUsageException($"{option} '{name}' cannot be read: {ErrorReport.OneLine(e.Message)}");
            }
        }

        var lines = new List<(int, string)>();
        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var number = 0;
        while (start <= bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
                end = bytes.Length;
            number++;
            string text;
            try
            {
                text = StrictUtf8.GetString(bytes, start, end - start).TrimEnd('\r');
            }
            catch (DecoderFallbackException e)
            {
                var column = e.Index >= 0 ? $" at byte {e.Index + 1}" : "";
                throw new CliUsageException($"{name} line {number}: not valid UTF-8{column}; save the file as UTF-8");
            }

            if (!string.IsNullOrWhiteSpace(text))
                lines.Add((number, text));
            start = end + 1;
        }

        if (lines.Count == 0)
            throw new CliUsageException($"{name} holds no entries");
        return new EntriesFile(name, lines, Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
    }
}
