using Akka.Serialization;

namespace SyncLog.Actors.Tests;

/// <summary>Journal events and snapshots round-trip through LeadershipSerializer under stable manifests.</summary>
public sealed class LeadershipSerializerSpecs : SyncLogSpec
{
    [Theory]
    [InlineData("leader-elected-v1")]
    [InlineData("leadership-state-v1")]
    [InlineData("replicated-term-seen-v1")]
    [InlineData("leadership-journal-state-v1")]
    public void Each_journal_type_round_trips_under_its_stable_manifest(string manifest)
    {
        object value = manifest switch
        {
            "leader-elected-v1" => new LeaderElected(ThisDevice, 3),
            "leadership-state-v1" => new LeadershipState(ThisDevice, 3),
            "replicated-term-seen-v1" => new ReplicatedTermSeen(9),
            _ => new LeadershipJournalState(new LeadershipState(OtherDevice, 4), 9),
        };
        var serializer = Assert.IsType<LeadershipSerializer>(Sys.Serialization.FindSerializerFor(value));

        Assert.Equal(manifest, Akka.Serialization.Serialization.ManifestFor(serializer, value));
        Assert.Equal(value, serializer.FromBinary(serializer.ToBinary(value), manifest));
    }

    [Fact]
    public void A_snapshot_written_before_the_replicated_term_existed_still_reads()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(LeadershipJournalState));

        var old = serializer.FromBinary("""{"Leader":"device-a","Term":2}"""u8.ToArray(), "leadership-journal-state-v1");

        Assert.Equal(new LeadershipJournalState(new LeadershipState(ThisDevice, 2), 0), old);
    }
}
