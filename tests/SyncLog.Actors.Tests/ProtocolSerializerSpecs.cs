using System.Collections;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

/// <summary>
/// Every protocol message round-trips through SyncLogProtocolSerializer under its stable manifest. The messages are found
/// by reflection, so a message added without a serializer case (or a member the wire loses) fails here.
/// </summary>
public sealed class ProtocolSerializerSpecs : SyncLogSpec
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 28, 1, 2, 3, 456, TimeSpan.FromHours(2)).AddTicks(7);
    private static readonly SyncLogChecksum Checksum = SyncLogChecksum.Parse(new string('a', 62) + "0f");

    /// <summary>Every public request and reply type of the protocol.</summary>
    public static TheoryData<string> MessageTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in ProtocolTypes())
            data.Add(type.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Each_message_round_trips_under_its_stable_manifest(string typeName)
    {
        var type = ProtocolTypes().Single(t => t.Name == typeName);
        var message = Sample(type);
        var serializer = Sys.Serialization.FindSerializerFor(message);

        Assert.IsType<SyncLogProtocolSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        Assert.Matches("^[a-z-]+-v[0-9]+$", manifest);
        var copy = Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

        Assert.IsType(type, copy);
        AssertSame(message, copy, type.Name);
    }

    [Fact]
    public void Every_message_has_its_own_manifest_and_the_serializer_knows_no_other_type()
    {
        var protocol = ProtocolTypes().ToHashSet();

        Assert.Equal(protocol.OrderBy(t => t.Name), SyncLogProtocolSerializer.Manifests.Keys.OrderBy(t => t.Name));
        Assert.Equal(protocol.Count, SyncLogProtocolSerializer.Manifests.Values.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void An_actor_ref_in_a_message_resolves_to_the_same_actor()
    {
        var subscriber = CreateTestProbe();
        var message = new Subscribe(Guid.NewGuid(), 7, subscriber.Ref, 100);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);

        var copy = (Subscribe)serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

        Assert.Equal(subscriber.Ref, copy.Subscriber);
        copy.Subscriber.Tell("hello");
        subscriber.ExpectMsg("hello", Patience);
    }

    [Fact]
    public void A_payload_that_names_an_unknown_manifest_or_breaks_the_protocol_is_refused()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(Append));

        Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "System.IO.FileInfo, System.IO"));
        // A null where the protocol has none (Append.Entry), and a checksum that is not 64 hex digits.
        Assert.Throws<SerializationException>(() => serializer.FromBinary(
            """{"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Entry":null}"""u8.ToArray(), "append-v1"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(
            """{"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Sequence":3,"Checksum":"zz"}"""u8.ToArray(), "checksum-found-v1"));
    }

    [Fact]
    public void The_wire_format_of_an_entry_is_stable()
    {
        var message = new Appended(Guid.Parse("5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11"), 42);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);

        // Written by an older build: members and manifest are the wire contract.
        var old = serializer.FromBinary("""{"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Sequence":42,"Unknown":1}"""u8.ToArray(), "appended-v1");

        Assert.Equal(message, old);
        Assert.Equal("""{"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Sequence":42}""",
            System.Text.Encoding.UTF8.GetString(serializer.ToBinary(message)));
    }

    [Fact]
    public void A_pushed_page_round_trips_in_binary_with_and_without_checksums()
    {
        var page = new SubscriptionEntries(Guid.NewGuid(),
        [
            new SyncLogEntry(3, 41, "phone \"ü\"", At, "album", "r-1", ChangeType.Delete, 7, """{"name":"a \"quoted\" ü","n":[1,2]}""", Checksum),
            new SyncLogEntry(4, 42, "nas", At.ToUniversalTime(), "tag", "", ChangeType.Insert, 1, "{}"),
        ]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(page);

        var bytes = serializer.ToBinary(page);
        var copy = (SubscriptionEntries)serializer.FromBinary(bytes, serializer.Manifest(page));

        Assert.Equal("subscription-entries-v2", serializer.Manifest(page));
        Assert.Equal(page.LibraryId, copy.LibraryId);
        Assert.Equal(page.Entries, copy.Entries);
        Assert.Equal(page.Entries[0].Timestamp.Offset, copy.Entries[0].Timestamp.Offset);
        Assert.Empty(((SubscriptionEntries)serializer.FromBinary(serializer.ToBinary(page with { Entries = [] }), "subscription-entries-v2")).Entries);
    }

    [Fact]
    public void A_pushed_page_in_the_json_of_older_builds_is_still_read()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(SubscriptionEntries));

        var old = (SubscriptionEntries)serializer.FromBinary("""
            {"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Entries":[{"Id":1,"Sequence":9,"DeviceId":"d","Timestamp":"2026-11-28T01:02:03+00:00","ModelType":"m","RecordId":"r","ChangeType":"Update","Version":2,"Data":"{}","Checksum":null}]}
            """u8.ToArray(), "subscription-entries-v1");

        Assert.Equal(new SyncLogEntry(1, 9, "d", new DateTimeOffset(2026, 11, 28, 1, 2, 3, TimeSpan.Zero), "m", "r", ChangeType.Update, 2, "{}"),
            Assert.Single(old.Entries));
    }

    [Theory]
    [InlineData("subscription-entries-v1", """{"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Entries":[null]}""")]
    [InlineData("entries-found-v1", """{"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Entries":[null]}""")]
    [InlineData("append-batch-v1", """{"LibraryId":"5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11","Entries":[null]}""")]
    public void A_json_list_with_a_null_item_is_refused_as_a_serialization_exception(string manifest, string json)
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(SubscriptionEntries));

        var refused = Assert.Throws<SerializationException>(() => serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest));

        Assert.Contains("must not be null", refused.Message);
    }

    // A binary page of one small entry, with the serializer that wrote it: the payload the malformed-page specs patch.
    private (SerializerWithStringManifest Serializer, byte[] Bytes) OneEntryBinaryPage()
    {
        var page = new SubscriptionEntries(Guid.NewGuid(),
            [new SyncLogEntry(1, 1, "d", At, "m", "r", ChangeType.Insert, 1, """{"a":1}""", Checksum)]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(page);
        return (serializer, serializer.ToBinary(page));
    }

    // A copy of `bytes` with `patch` written at `at`.
    private static byte[] Patched(byte[] bytes, int at, byte[] patch)
    {
        var copy = bytes.ToArray();
        patch.CopyTo(copy, at);
        return copy;
    }

    [Fact]
    public void A_malformed_binary_page_is_refused_as_a_serialization_exception()
    {
        var (serializer, bytes) = OneEntryBinaryPage();
        const string manifest = "subscription-entries-v2";
        // Offsets into the one entry: count at 16, device id's length at 36, its one byte at 40, change type after
        // the timestamp (41 + 10) and the model and record ids (2 x 5): 61.
        byte[] With(int at, params byte[] patch) => Patched(bytes, at, patch);

        var reasons = new[]
        {
            bytes[..^1],                        // ends early
            [.. bytes, 0],                      // a byte after the last entry
            bytes[..20],                        // claims one entry, holds none
            With(16, 0xff, 0xff, 0xff, 0x7f),   // claims 2^31-1 entries
            With(36, 0xff, 0xff, 0xff, 0xff),   // a text of length -1
            With(40, 0xff),                     // a text that is not UTF-8
            With(61, 9),                        // change type 9
            With(bytes.Length - 33, 2),         // checksum flag 2
        }.Select(payload => Assert.Throws<SerializationException>(() => serializer.FromBinary(payload, manifest)).Message).ToList();

        Assert.All(reasons, reason => Assert.StartsWith("malformed subscription-entries-v2 payload", reason));
        Assert.Contains(reasons, r => r.Contains("change type 9"));
        Assert.Contains(reasons, r => r.Contains("not UTF-8"));
        Assert.Contains(reasons, r => r.Contains("checksum flag 2"));
    }

    [Fact]
    public void A_binary_page_claiming_huge_counts_or_lengths_allocates_nothing_near_them_and_an_impossible_timestamp_is_refused()
    {
        var (serializer, bytes) = OneEntryBinaryPage();
        // The entry's timestamp: clock ticks at 41, offset minutes at 49 (after the device id's length at 36 and byte at 40).
        byte[] With(int at, params byte[] patch) => Patched(bytes, at, patch);

        string Refusal(byte[] payload) =>
            Assert.Throws<SerializationException>(() => serializer.FromBinary(payload, "subscription-entries-v2")).Message;

        Refusal(bytes[..^1]); // warm up: the first refusal loads what every later one shares
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bombs = new[]
        {
            Refusal(With(16, 0xff, 0xff, 0xff, 0x7f)), // 2^31-1 entries
            Refusal(With(36, 0xff, 0xff, 0xff, 0x7f)), // a device id of 2^31-1 bytes
            Refusal(With(bytes.Length - 33 - 4 - 7, 0xfe, 0xff, 0xff, 0x7f)), // data of 2^31-2 bytes
        };
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var ticks = Refusal(With(41, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)); // past DateTime.MaxValue
        var offset = Refusal(With(49, 0xff, 0x7f)); // 32767 minutes
        var utc = Refusal(With(41, 0, 0, 0, 0, 0, 0, 0, 0)); // year 1 at +02:00 is before year 1 in UTC

        Assert.True(allocated < 1024 * 1024, $"refusing three bombs allocated {allocated} bytes");
        Assert.Contains("claims 2147483647 entries", bombs[0]);
        Assert.All(bombs[1..], bomb => Assert.Contains("ends", bomb));
        Assert.All([ticks, offset, utc], reason => Assert.Contains("entry 0 has no valid timestamp", reason));
    }

    [Fact]
    public void A_binary_page_round_trips_extreme_values_and_texts()
    {
        var emoji = "\U0001F600 ñ 中";
        var page = new SubscriptionEntries(Guid.NewGuid(),
        [
            new SyncLogEntry(long.MaxValue, long.MaxValue, emoji, DateTimeOffset.MaxValue, "m", "r", ChangeType.BulkInsert, long.MaxValue,
                "\"" + new string('x', 200_000) + emoji + "\"", Checksum),
            new SyncLogEntry(long.MinValue, long.MinValue, "", DateTimeOffset.MinValue, "", "", ChangeType.Insert, long.MinValue, ""),
            new SyncLogEntry(0, 0, "d", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(-14)), "m", "r", ChangeType.Update, 0, "{}"),
            new SyncLogEntry(0, 0, "d", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(14)), "m", "r", ChangeType.Delete, 0, "{}"),
        ]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(page);

        var copy = (SubscriptionEntries)serializer.FromBinary(serializer.ToBinary(page), serializer.Manifest(page));

        Assert.Equal(page.Entries, copy.Entries);
        Assert.Equal(page.Entries.Select(e => e.Timestamp.Offset), copy.Entries.Select(e => e.Timestamp.Offset));
    }

    private static IEnumerable<Type> ProtocolTypes() =>
        typeof(ILibraryRequest).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false }
                        && (typeof(ILibraryRequest).IsAssignableFrom(t) || typeof(ILibraryReply).IsAssignableFrom(t)
                            || typeof(IFollowerRequest).IsAssignableFrom(t) || typeof(IFollowerReply).IsAssignableFrom(t)));

    // A value for every member, none of them a default, so a member the serializer drops shows up as a difference.
    private object Sample(Type type)
    {
        if (type == typeof(Guid))
            return Guid.Parse("5b0cf3a4-6a7c-4a6b-9d59-2f0e8c1d2a11");
        if (type == typeof(string))
            return "text \"with\" ünïcode";
        if (type == typeof(long))
            return 9_007_199_254_740_991L;
        if (type == typeof(int))
            return 1234;
        if (type == typeof(bool))
            return true;
        if (type == typeof(DateTimeOffset))
            return At;
        if (type == typeof(SyncLogChecksum))
            return Checksum;
        if (type == typeof(IActorRef))
            return TestActor;
        if (type.IsEnum)
            return Enum.GetValues(type).Cast<object>().Last();
        if (Nullable.GetUnderlyingType(type) is { } underlying)
            return Sample(underlying);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
            return Activator.CreateInstance(type, Sample(type.GetGenericArguments()[0]), Sample(type.GetGenericArguments()[1]))!;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type.GetGenericArguments()[0]))!;
            list.Add(Sample(type.GetGenericArguments()[0]));
            list.Add(Sample(type.GetGenericArguments()[0]));
            return list;
        }

        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is null || type.Namespace is not ("SyncLog.Actors" or "SyncLog.Storage"))
            throw new InvalidOperationException($"no sample for {type}; teach ProtocolSerializerSpecs.Sample this type");
        return constructor.Invoke(constructor.GetParameters().Select(p => Sample(p.ParameterType)).ToArray());
    }

    private static void AssertSame(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        var type = expected.GetType();
        if (expected is string || type.IsPrimitive || type.IsEnum || expected is Guid or DateTimeOffset or SyncLogChecksum or IActorRef)
        {
            Assert.True(Equals(expected, actual), $"{path}: expected {expected}, got {actual}");
            if (expected is DateTimeOffset time)
                Assert.Equal(time.Offset, ((DateTimeOffset)actual).Offset);
            return;
        }

        if (expected is IEnumerable sequence)
        {
            var left = sequence.Cast<object?>().ToList();
            var right = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path}: expected {left.Count} items, got {right.Count}");
            for (var i = 0; i < left.Count; i++)
                AssertSame(left[i], right[i], $"{path}[{i}]");
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length == 0 && property.Name != "EqualityContract")
                AssertSame(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
        }
    }
}
