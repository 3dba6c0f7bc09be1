using SyncLog.Storage;

namespace SyncLog.Bench;

/// <summary>The same realistic entries for every scenario: ~200-byte JSON, random UUID record ids, a model mix.</summary>
internal static class Payloads
{
    private static readonly string[] Models = ["entry", "entry", "entry", "tag", "album", "bulk_operation"];

    public static NewSyncLogEntry[] Make(int count, int seed = 42)
    {
        var random = new Random(seed);
        var start = DateTimeOffset.UtcNow;
        var entries = new NewSyncLogEntry[count];
        for (var i = 0; i < count; i++)
        {
            var model = Models[random.Next(Models.Length)];
            var data = $$"""{"path":"/Photos/2026/IMG_{{random.Next(100000):D5}}.jpg","size":{{random.Next(100_000, 9_000_000)}},"kind":"image","cas_id":"{{Guid.NewGuid():N}}","location":"{{Guid.NewGuid()}}","hidden":false}""";
            entries[i] = new NewSyncLogEntry($"device-{random.Next(4)}", start.AddTicks(i), model, Guid.NewGuid().ToString(),
                model == "bulk_operation" ? ChangeType.BulkInsert : ChangeType.Insert, data);
        }

        return entries;
    }
}
