using System.Globalization;
using SyncLog.Storage;

namespace SyncLog.Cli.Demo;

/// <summary>Realistic file-manager changes (albums, tags, entries, bulk operations) with ~200-byte JSON payloads.</summary>
internal sealed class DemoPayloads(int seed)
{
    private static readonly string[] TagNames = ["travel", "family", "work", "screenshots", "raw", "favorites"];
    private readonly Random _random = new(seed);

    /// <summary>A change made by <paramref name="device"/> at <paramref name="at"/>; the kind follows a realistic mix.</summary>
    public NewSyncLogEntry Next(string device, DateTimeOffset at)
    {
        var roll = _random.Next(100);
        var id = Guid.NewGuid().ToString();
        return roll switch
        {
            < 55 => Entry(device, at, id, roll < 40 ? ChangeType.Insert : roll < 50 ? ChangeType.Update : ChangeType.Delete),
            < 75 => new NewSyncLogEntry(device, at, "tag", id, roll < 70 ? ChangeType.Insert : ChangeType.Update,
                $$"""{"name":"{{TagNames[_random.Next(TagNames.Length)]}}","color":"#{{_random.Next(0xFFFFFF):x6}}","entries":{{_random.Next(500)}},"created_by":"{{device}}"}"""),
            < 95 => new NewSyncLogEntry(device, at, "album", id, roll < 90 ? ChangeType.Insert : ChangeType.Update,
                $$"""{"name":"Album {{_random.Next(1000)}}","cover":"{{Guid.NewGuid()}}","items":{{_random.Next(2000)}},"is_hidden":false,"date_created":"{{at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}}"}""",
                Version: roll < 90 ? 1 : _random.Next(2, 9)),
            _ => BulkImport(device, at, id, _random.Next(50, 5000)),
        };
    }

    /// <summary>An imported file entry, as a bulk import writes many of.</summary>
    public NewSyncLogEntry Entry(string device, DateTimeOffset at, string id, ChangeType change) =>
        new(device, at, "entry", id, change,
            $$"""{"path":"/Photos/{{at.Year}}/IMG_{{_random.Next(10000):D4}}.jpg","size":{{_random.Next(100_000, 9_000_000)}},"kind":"image","cas_id":"{{Guid.NewGuid():N}}","hidden":false}""",
            Version: change == ChangeType.Insert ? 1 : _random.Next(2, 6));

    /// <summary>The bulk operation record that heads an import.</summary>
    public static NewSyncLogEntry BulkImport(string device, DateTimeOffset at, string id, int count) =>
        new(device, at, "bulk_operation", id, ChangeType.BulkInsert,
            $$"""{"operation":"import","count":{{count}},"source":"/Volumes/SD_CARD/DCIM","location_id":"{{Guid.NewGuid()}}","started_by":"{{device}}"}""");
}
