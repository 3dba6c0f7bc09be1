namespace SyncLog.Storage;

/// <summary>The file's schema version is newer than this build knows; it was left untouched.</summary>
public sealed class SyncLogSchemaException(string filePath, long fileVersion, long knownVersion)
    : SyncLogOpenException(filePath,
        $"sync log '{filePath}' has schema version {fileVersion}, but this build knows versions up to {knownVersion}; upgrade SyncLogActors to open it")
{
    /// <summary>The schema version found in the file (<c>PRAGMA user_version</c>).</summary>
    public long FileVersion { get; } = fileVersion;

    /// <summary>The newest schema version this build can migrate to.</summary>
    public long KnownVersion { get; } = knownVersion;
}
