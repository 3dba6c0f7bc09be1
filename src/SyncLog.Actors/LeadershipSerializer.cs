using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace SyncLog.Actors;

/// <summary>
/// Stores leadership events and snapshots as versioned System.Text.Json documents with stable manifests, so journals
/// written today still recover after types are renamed or moved (the default serializer records CLR type names).
/// </summary>
public sealed class LeadershipSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private const string LeaderElectedV1 = "leader-elected-v1";
    private const string LeadershipStateV1 = "leadership-state-v1";
    private const string ReplicatedTermSeenV1 = "replicated-term-seen-v1";
    private const string LeadershipJournalStateV1 = "leadership-journal-state-v1";

    /// <inheritdoc />
    public override int Identifier => 7411;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        LeaderElected => LeaderElectedV1,
        LeadershipState => LeadershipStateV1,
        ReplicatedTermSeen => ReplicatedTermSeenV1,
        LeadershipJournalState => LeadershipJournalStateV1,
        _ => throw new ArgumentException($"cannot serialize {o.GetType()}", nameof(o)),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => obj switch
    {
        LeaderElected e => JsonSerializer.SerializeToUtf8Bytes(new Dto(e.LeaderDeviceId, e.Term)),
        LeadershipState s => JsonSerializer.SerializeToUtf8Bytes(new Dto(s.LeaderDeviceId, s.Term)),
        ReplicatedTermSeen r => JsonSerializer.SerializeToUtf8Bytes(new Dto(null, r.Term)),
        LeadershipJournalState j => JsonSerializer.SerializeToUtf8Bytes(new Dto(j.Leadership.LeaderDeviceId, j.Leadership.Term, j.HighestReplicatedTerm)),
        _ => throw new ArgumentException($"cannot serialize {obj.GetType()}", nameof(obj)),
    };

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        var dto = JsonSerializer.Deserialize<Dto>(bytes)
                  ?? throw new System.Runtime.Serialization.SerializationException($"empty {manifest} payload");
        return manifest switch
        {
            LeaderElectedV1 => new LeaderElected(dto.Leader ?? throw Missing(manifest), dto.Term),
            LeadershipStateV1 => new LeadershipState(dto.Leader, dto.Term),
            ReplicatedTermSeenV1 => new ReplicatedTermSeen(dto.Term),
            LeadershipJournalStateV1 => new LeadershipJournalState(new LeadershipState(dto.Leader, dto.Term), dto.ReplicatedTerm),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown leadership manifest '{manifest}'"),
        };
    }

    private static System.Runtime.Serialization.SerializationException Missing(string manifest) =>
        new($"{manifest} payload has no leader");

    // ReplicatedTerm is absent (0) in documents written before it existed.
    private sealed record Dto(string? Leader, long Term, long ReplicatedTerm = 0);
}
