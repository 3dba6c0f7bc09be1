using SyncLog.Actors;

namespace SyncLog.Cli;

/// <summary>Turns protocol replies into the result a command expects, or into its one-line error.</summary>
internal static class Replies
{
    /// <summary>Returns <paramref name="reply"/> as <typeparamref name="T"/>, or throws the CLI error that describes the refusal.</summary>
    public static T Expect<T>(object reply) => reply switch
    {
        T expected => expected,
        InvalidRequest invalid => throw new CliUsageException(ErrorReport.WithoutJsonPosition(invalid.Reason)),
        _ => throw new CliRefusedException(Describe(reply)),
    };

    /// <summary>A one-line, human description of a refusal reply.</summary>
    public static string Describe(object reply) => reply switch
    {
        NotLeader { LeaderDeviceId: null } n => $"this device does not lead library {n.LibraryId} (no leader yet); run 'synclog lead --library {n.LibraryId} --term 1' first",
        NotLeader n => $"this device does not lead library {n.LibraryId}; {n.LeaderDeviceId} leads at term {n.Term}",
        StaleTerm s when s.RequestedTerm == s.CurrentTerm =>
            $"term {s.CurrentTerm} of library {s.LibraryId} already has a leader ({s.CurrentLeaderDeviceId ?? "nobody"}); a new leader needs a term above {s.CurrentTerm}",
        StaleTerm s =>
            $"term {s.RequestedTerm} is older than library {s.LibraryId}'s current term {s.CurrentTerm} ({s.CurrentLeaderDeviceId ?? "nobody"} leads); a new leader needs a term above {s.CurrentTerm}",
        LibraryNotFound n => DataDirCheck.UnknownLibrary(n.LibraryId, n.FilePath),
        StorageFailure f => $"storage failure for library {f.LibraryId}: {f.Reason}",
        Overloaded o => $"library {o.LibraryId} is overloaded ({o.PendingAppends} appends waiting); retry later",
        ReplicationRefused { ConflictingSequence: { } at } r =>
            $"replication refused for library {r.LibraryId}: {r.Reason} at sequence {at} (local latest sequence {r.LocalLatestSequence})",
        ReplicationRefused r => $"replication refused for library {r.LibraryId}: {r.Reason} (local latest sequence {r.LocalLatestSequence})",
        _ => $"unexpected reply {reply.GetType().Name} from the sync log host",
    };
}
