using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>
/// Checks the data dir and a library's folder before a host starts, so that "not a directory" and "permission denied"
/// are reported as such (exit 1) instead of looking like an unknown library or an empty data dir.
/// </summary>
internal static class DataDirCheck
{
    /// <summary>A write host will lock and write under <paramref name="dataDir"/>: it must be (or become) a writable directory.</summary>
    public static void RequireWritable(string dataDir)
    {
        RequireNotAFile(dataDir);
        try
        {
            Directory.CreateDirectory(dataDir);
            var probe = Path.Combine(dataDir, $".synclog-write-check-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliRefusedException($"data dir '{dataDir}' is not writable: {ErrorReport.OneLine(e.Message)}");
        }
    }

    /// <summary>A read host only reads: the data dir may be missing (no libraries yet), but not a file or unreadable.</summary>
    public static void RequireReadable(string dataDir)
    {
        RequireNotAFile(dataDir);
        RequireListable(dataDir);
    }

    /// <summary>Refuses with the one "unknown library" message unless the library's <c>sync.db</c> exists.</summary>
    public static void RequireLibrary(string dataDir, Guid library)
    {
        var file = SyncLogDb.PathFor(library, dataDir);
        if (File.Exists(file))
            return;
        // A mistyped --data-dir (or a stale $SYNCLOG_DATA_DIR) is the likelier mistake than the library id: name it.
        if (!File.Exists(dataDir) && !Directory.Exists(dataDir))
            throw new CliRefusedException($"unknown library {library}: data dir '{dataDir}' does not exist");
        // File.Exists says false for a file it may not look at: find the real reason before calling it unknown.
        var libraries = Path.Combine(dataDir, "libraries");
        foreach (var dir in new[] { dataDir, libraries, Path.GetDirectoryName(file)! })
        {
            RequireNotAFile(dir);
            RequireListable(dir);
        }

        if (Directory.Exists(file))
            throw new CliRefusedException($"'{file}' is a directory, not a sync log");
        throw new CliRefusedException(UnknownLibrary(library, file));
    }

    /// <summary>The one message for a library without a log, for the CLI's own check and the host's <c>LibraryNotFound</c>.</summary>
    public static string UnknownLibrary(Guid library, string file) =>
        $"unknown library {library}: no sync log at {file}";

    /// <summary>
    /// Library ids with a log under <paramref name="dataDir"/>, by folder name; refuses a data dir that does not exist,
    /// as <see cref="RequireLibrary"/> does, while one without libraries is an empty list.
    /// </summary>
    public static List<Guid> Libraries(string dataDir)
    {
        // A mistyped --data-dir (or a stale $SYNCLOG_DATA_DIR) must not pass for a data dir with no libraries yet.
        RequireNotAFile(dataDir);
        if (!Directory.Exists(dataDir))
            throw new CliRefusedException($"no libraries: data dir '{dataDir}' does not exist");
        var root = Path.Combine(dataDir, "libraries");
        RequireNotAFile(root);
        if (!Directory.Exists(root))
            return [];
        try
        {
            return Directory.EnumerateDirectories(root)
                .Select(d => (Ok: Guid.TryParse(Path.GetFileName(d), out var id), Id: id))
                .Where(x => x.Ok)
                .Select(x => x.Id)
                .Where(id => File.Exists(SyncLogDb.PathFor(id, dataDir)))
                .Order()
                .ToList();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliRefusedException($"cannot list '{root}': {ErrorReport.OneLine(e.Message)}");
        }
    }

    /// <summary>Refuses (exit 1, like every command) a data dir or folder path that is a file.</summary>
    public static void RequireNotAFile(string path)
    {
        if (File.Exists(path))
            throw new CliRefusedException($"'{path}' is a file, not a directory");
    }

    private static void RequireListable(string dir)
    {
        if (!Directory.Exists(dir))
            return;
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(dir).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliRefusedException($"cannot read '{dir}': {ErrorReport.OneLine(e.Message)}");
        }
    }
}
