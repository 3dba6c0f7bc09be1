using SyncLog.Storage;

namespace SyncLog.Actors;

// Divergence detection: chain reads run like the other reads, concurrently with writes, from the read connection.
public sealed partial class LibrarySyncLogActor
{
    private void HandleChainReads()
    {
        Receive<VerifyChain>(_ => Read(db => db.VerifyChainAsync(), r => new ChainVerified(_libraryId, r)));
        Receive<GetChainHead>(_ => Read(db => db.ChainHeadAsync(), h => new ChainHeadFound(_libraryId, h)));
        Receive<GetChecksumAt>(g => ReadChecked(
            () => EntryValidator.RequireSequence(g.Sequence, nameof(GetChecksumAt.Sequence)),
            db => db.ChecksumAtAsync(g.Sequence), c => new ChecksumFound(_libraryId, g.Sequence, c)));
    }
}
