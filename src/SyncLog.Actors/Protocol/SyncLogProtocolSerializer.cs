using System.Collections.Frozen;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;
using SyncLog.Storage;

namespace SyncLog.Actors;

/// <summary>
/// Puts every message of the protocol (<see cref="ILibraryRequest"/>, <see cref="ILibraryReply"/>, and a follower's
/// <see cref="IFollowerRequest"/>, <see cref="IFollowerReply"/>) on the wire as System.Text.Json under a fixed manifest
/// per message, so a served host and its remote peers keep understanding each other when types are renamed or moved
/// (Akka's default serializer would send CLR type names). Identifier 7412.
/// </summary>
/// <remarks>
/// The manifest picks the type; nothing else in a payload names one, so a peer cannot make this host load a type.
/// Member names are the wire names: renaming a member, or changing its meaning, needs a new manifest (<c>-v2</c>).
/// Members a peer does not know are skipped, so adding an optional member is compatible both ways. Actor references
/// travel as their full serialized path and resolve through the receiving system's provider (remote or local).
/// </remarks>
public sealed class SyncLogProtocolSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id on the wire; Akka reserves 0 to 100, <see cref="LeadershipSerializer"/> has 7411.</summary>
    public const int SerializerId = 7412;

    /// <summary>The name <c>synclog.hocon</c> binds the protocol's interfaces to.</summary>
    public const string ConfigName = "synclog-protocol";

    // Pushed pages as older builds wrote them, in JSON.
    private const string JsonSubscriptionEntriesManifest = "subscription-entries-v1";

    private static readonly FrozenDictionary<Type, string> ManifestOf = new Dictionary<Type, string>
    {
        [typeof(OpenLibrary)] = "open-library-v1",
        [typeof(LibraryOpened)] = "library-opened-v1",
        [typeof(Append)] = "append-v1",
        [typeof(Appended)] = "appended-v1",
        [typeof(AppendBatch)] = "append-batch-v1",
        [typeof(BatchAppended)] = "batch-appended-v1",
        [typeof(FetchSince)] = "fetch-since-v1",
        [typeof(Fetched)] = "fetched-v1",
        [typeof(GetLatestSequence)] = "get-latest-sequence-v1",
        [typeof(LatestSequence)] = "latest-sequence-v1",
        [typeof(FetchByDevice)] = "fetch-by-device-v1",
        [typeof(FetchByRecord)] = "fetch-by-record-v1",
        [typeof(FetchByTimeRange)] = "fetch-by-time-range-v1",
        [typeof(EntriesFound)] = "entries-found-v1",
        [typeof(GetStats)] = "get-stats-v1",
        [typeof(Stats)] = "stats-v1",
        [typeof(VacuumOldEntries)] = "vacuum-old-entries-v1",
        [typeof(Vacuumed)] = "vacuumed-v1",
        [typeof(GetLogId)] = "get-log-id-v1",
        [typeof(LogIdFound)] = "log-id-found-v1",
        [typeof(AcknowledgeReplicated)] = "acknowledge-replicated-v1",
        [typeof(ReplicationAcknowledged)] = "replication-acknowledged-v1",
        [typeof(AcknowledgementRefused)] = "acknowledgement-refused-v1",
        [typeof(ForgetFollower)] = "forget-follower-v1",
        [typeof(FollowerForgotten)] = "follower-forgotten-v1",
        [typeof(GetFollowers)] = "get-followers-v1",
        [typeof(FollowersFound)] = "followers-found-v1",
        [typeof(LearnFollowers)] = "learn-followers-v1",
        [typeof(FollowersLearned)] = "followers-learned-v1",
        [typeof(LeadershipChanged)] = "leadership-changed-v1",
        [typeof(LeadershipAck)] = "leadership-ack-v1",
        [typeof(GetLeadership)] = "get-leadership-v1",
        [typeof(Leadership)] = "leadership-v1",
        [typeof(Replicate)] = "replicate-v1",
        [typeof(Replicated)] = "replicated-v1",
        [typeof(ReplicationRefused)] = "replication-refused-v1",
        [typeof(ResyncFrom)] = "resync-from-v1",
        [typeof(Resynced)] = "resynced-v1",
        [typeof(VerifyChain)] = "verify-chain-v1",
        [typeof(ChainVerified)] = "chain-verified-v1",
        [typeof(GetChainHead)] = "get-chain-head-v1",
        [typeof(ChainHeadFound)] = "chain-head-found-v1",
        [typeof(GetChecksumAt)] = "get-checksum-at-v1",
        [typeof(ChecksumFound)] = "checksum-found-v1",
        [typeof(NotLeader)] = "not-leader-v1",
        [typeof(StaleTerm)] = "stale-term-v1",
        [typeof(LibraryNotFound)] = "library-not-found-v1",
        [typeof(InvalidRequest)] = "invalid-request-v1",
        [typeof(StorageFailure)] = "storage-failure-v1",
        [typeof(Overloaded)] = "overloaded-v1",
        [typeof(RequestNotServed)] = "request-not-served-v1",
        [typeof(Subscribe)] = "subscribe-v1",
        [typeof(SubscriptionStarted)] = "subscription-started-v1",
        [typeof(RequestEntries)] = "request-entries-v1",
        // Binary (SubscriptionEntriesFormat); v1, the JSON of older builds, is still read.
        [typeof(SubscriptionEntries)] = SubscriptionEntriesFormat.Manifest,
        [typeof(Unsubscribe)] = "unsubscribe-v1",
        [typeof(SubscriptionEnded)] = "subscription-ended-v1",
        [typeof(GetFollowerStatus)] = "get-follower-status-v1",
        [typeof(FollowerStatus)] = "follower-status-v1",
        [typeof(FollowLeader)] = "follow-leader-v1",
        [typeof(FollowingLeader)] = "following-leader-v1",
        [typeof(ApproveResync)] = "approve-resync-v1",
        [typeof(FollowerResynced)] = "follower-resynced-v1",
        [typeof(FollowerRequestRefused)] = "follower-request-refused-v1",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, Type> TypeOf = ManifestOf
        .Append(new KeyValuePair<Type, string>(typeof(SubscriptionEntries), JsonSubscriptionEntriesManifest))
        .ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    private readonly JsonSerializerOptions _options;

    /// <summary>Created by Akka from the <c>akka.actor.serializers</c> binding.</summary>
    public SyncLogProtocolSerializer(ExtendedActorSystem system)
        : base(system)
    {
        _options = new JsonSerializerOptions
        {
            // A peer's payload is input: a null where the protocol has no null is refused, not passed on.
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            Converters =
            {
                new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false),
                new ChecksumConverter(),
                new NonNullListConverterFactory(),
                new ActorRefConverter(system),
            },
        };
    }

    /// <summary>Every message type this serializer writes, with its manifest.</summary>
    public static IReadOnlyDictionary<Type, string> Manifests => ManifestOf;

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return ManifestOf.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType()} is not a sync log protocol message this serializer knows", nameof(o));
    }

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (!ManifestOf.ContainsKey(obj.GetType()))
            throw new ArgumentException($"{obj.GetType()} is not a sync log protocol message this serializer knows", nameof(obj));
        return obj is SubscriptionEntries page
            ? SubscriptionEntriesFormat.Write(page)
            : JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _options);
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!TypeOf.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown sync log protocol manifest '{manifest}'");
        if (manifest == SubscriptionEntriesFormat.Manifest)
            return SubscriptionEntriesFormat.Read(bytes);
        try
        {
            return JsonSerializer.Deserialize(bytes, type, _options)
                   ?? throw new SerializationException($"empty {manifest} payload");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"malformed {manifest} payload: {e.Message}", e);
        }
    }

    // 64 hex digits, as SyncLogChecksum prints and parses itself.
    private sealed class ChecksumConverter : JsonConverter<SyncLogChecksum>
    {
        public override SyncLogChecksum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return SyncLogChecksum.Parse(reader.GetString() ?? throw new JsonException("a checksum must not be null"));
            }
            catch (FormatException e)
            {
                throw new JsonException(e.Message, e);
            }
        }

        public override void Write(Utf8JsonWriter writer, SyncLogChecksum value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    // The full path with the address this system is reached at (Akka's remote serializers do the same), resolved on the
    // other side through its provider: a RemoteActorRef there, a local ref when the path is its own.
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override IActorRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var path = reader.GetString();
            return string.IsNullOrEmpty(path) ? ActorRefs.Nobody : system.Provider.ResolveActorRef(path);
        }

        public override void Write(Utf8JsonWriter writer, IActorRef value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.IsNobody() ? "" : Serialization.SerializedActorPath(value));
    }
}
