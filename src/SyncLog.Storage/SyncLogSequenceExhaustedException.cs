namespace SyncLog.Storage;

/// <summary>
/// An append would be given a sequence above <see cref="EntryValidator.MaxSequence"/>; the whole transaction was
/// rolled back and nothing was written.
/// </summary>
public sealed class SyncLogSequenceExhaustedException : InvalidOperationException
{
    /// <summary>Creates the exception for the file at <paramref name="filePath"/>, whose latest sequence is <paramref name="latestSequence"/>.</summary>
    public SyncLogSequenceExhaustedException(string filePath, long latestSequence)
        : base($"sync log '{filePath}' has used every sequence up to {latestSequence}; sequences stop at {EntryValidator.MaxSequence} (2^53-1), so nothing more can be appended")
    {
        FilePath = filePath;
        LatestSequence = latestSequence;
    }

    /// <summary>The <c>sync.db</c> whose sequences are used up.</summary>
    public string FilePath { get; }

    /// <summary>The latest sequence the log holds.</summary>
    public long LatestSequence { get; }
}
