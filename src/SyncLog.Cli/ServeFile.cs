using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;

namespace SyncLog.Cli;

/// <summary>
/// <c>{data_dir}/serve.json</c>: where the <c>synclog serve</c> that owns a data dir can be reached, so that
/// <c>tail --follow</c> on that data dir is pushed entries instead of polling. Written atomically once the gateway listens
/// and removed when serve ends; a file left by a serve that was killed names a process that is gone, and is ignored.
/// </summary>
internal sealed record ServeFile(string Gateway, int Pid, bool Tls)
{
    /// <summary>The file's name in the data dir.</summary>
    public const string FileName = "serve.json";

    /// <summary>The file's path in <paramref name="dataDir"/>.</summary>
    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>
    /// Writes the file into <paramref name="dataDir"/> under a temporary name and renames it, so a reader sees the whole
    /// file or none (a file left by an earlier serve that was killed is replaced).
    /// </summary>
    public void WriteTo(string dataDir)
    {
        var path = PathIn(dataDir);
        // The rename would fail with the runtime's own wording, naming the path a second time.
        if (Directory.Exists(path))
            throw new CliRefusedException($"cannot serve: '{path}' is a directory; serve writes its address to a file of that name for tail --follow, so move the directory away");
        var temporary = $"{path}.tmp-{Environment.ProcessId}";
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(new { gateway = Gateway, pid = Pid, tls = Tls }));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliRefusedException($"cannot serve: cannot write '{path}': {ErrorReport.OneLine(e.Message)}");
        }
    }

    /// <summary>Removes the file from <paramref name="dataDir"/> if it is this process's; says so on stderr if it cannot.</summary>
    public static void RemoveOwn(string dataDir)
    {
        var path = PathIn(dataDir);
        try
        {
            // The data dir's lock keeps a second serve out while this one runs, but check: never remove another's file.
            if (Read(path) is { Found.Pid: var pid } && pid == Environment.ProcessId)
                File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"synclog: could not remove '{path}': {ErrorReport.OneLine(e.Message)}; tail --follow ignores it once this process is gone");
        }
    }

    /// <summary>
    /// The serve running on <paramref name="dataDir"/> as its <c>serve.json</c> names it, or why there is none to use:
    /// no file, a file whose process is gone (a serve that was killed), or a file synclog did not write
    /// (<see cref="Lookup.Broken"/>).
    /// </summary>
    public static Lookup Find(string dataDir)
    {
        var path = PathIn(dataDir);
        var lookup = Read(path);
        if (lookup.Found is not { } found)
            return lookup;
        try
        {
            using var process = Process.GetProcessById(found.Pid);
        }
        catch (ArgumentException)
        {
            return new Lookup(null, $"{path} is stale: its serve (process {found.Pid}) is gone", Broken: false);
        }

        return lookup;
    }

    private static Lookup Read(string path)
    {
        string text;
        try
        {
            if (Directory.Exists(path))
                return new Lookup(null, $"{path} is a directory, not the file synclog serve writes", Broken: true);
            if (!File.Exists(path))
                return new Lookup(null, $"no {FileName} in the data dir: no synclog serve runs on it", Broken: false);
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Lookup(null, $"{path} cannot be read: {ErrorReport.OneLine(e.Message)}", Broken: true);
        }

        try
        {
            var found = Parse(text);
            return new Lookup(found, $"{path} names {found.Gateway}", Broken: false);
        }
        catch (FormatException e)
        {
            return new Lookup(null, $"{path} is not a serve.json synclog serve wrote ({e.Message})", Broken: true);
        }
    }

    // What is wrong and where, in one line: the JSON error with its line and byte (System.Text.Json counts from 0), or
    // the member that is missing or of the wrong kind with what it holds.
    private static ServeFile Parse(string text)
    {
        JsonElement root;
        try
        {
            using var json = JsonDocument.Parse(text);
            root = json.RootElement.Clone();
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line && e.BytePositionInLine is { } position
                ? $"line {line + 1}, byte {position + 1}: "
                : "";
            throw new FormatException($"not JSON at {where}{ErrorReport.OneLine(ErrorReport.WithoutJsonPosition(e.Message))}", e);
        }

        if (root.ValueKind != JsonValueKind.Object)
            throw new FormatException($"it holds {Shown(root)}, not an object with \"gateway\", \"pid\" and \"tls\"");
        var gateway = Member(root, "gateway", JsonValueKind.String, "a string").GetString()!;
        var pidValue = Member(root, "pid", JsonValueKind.Number, "a process id");
        if (!pidValue.TryGetInt32(out var pid) || pid < 1)
            throw new FormatException($"\"pid\" must be a process id (1 or more), got {Shown(pidValue)}");
        var tlsValue = Member(root, "tls", JsonValueKind.True, "true or false");
        if (!ActorPath.TryParse(gateway, out var address) || address.Address.Port is null)
            throw new FormatException($"\"gateway\" must be a served gateway's address with a port, got {Shown(root.GetProperty("gateway"))}");
        return new ServeFile(gateway, pid, tlsValue.GetBoolean());
    }

    private static JsonElement Member(JsonElement root, string name, JsonValueKind kind, string what)
    {
        if (!root.TryGetProperty(name, out var value))
            throw new FormatException($"\"{name}\" is missing");
        var fits = kind == JsonValueKind.True ? value.ValueKind is JsonValueKind.True or JsonValueKind.False : value.ValueKind == kind;
        if (!fits)
            throw new FormatException($"\"{name}\" must be {what}, got {Shown(value)}");
        return value;
    }

    // A value as it is written in the file, cut short: enough to recognise it on one line.
    private static string Shown(JsonElement value)
    {
        var raw = string.Join(' ', value.GetRawText().Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return raw.Length <= 60 ? raw : $"{raw[..57]}...";
    }

    /// <summary>
    /// What <see cref="Find"/> found: the live serve, or null and why not; <paramref name="Broken"/> when a file is there but
    /// could not be read as one (worth a warning: someone else wrote it, or the disk is failing).
    /// </summary>
    internal sealed record Lookup(ServeFile? Found, string Note, bool Broken);
}
