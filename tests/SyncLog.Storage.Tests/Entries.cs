namespace SyncLog.Storage.Tests;

/// <summary>Builders for realistic entries.</summary>
public static class Entries
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);

    public static NewSyncLogEntry New(int n = 0, DateTimeOffset? at = null, string device = "device-a",
        string model = "album", string? record = null, ChangeType change = ChangeType.Insert) =>
        new(device, at ?? T0.AddSeconds(n), model, record ?? Guid.NewGuid().ToString(), change,
            $$"""{"name":"item {{n}}","tags":["a","b"],"size":{{n * 17}}}""");

    public static IReadOnlyList<NewSyncLogEntry> Many(int count, int start = 0) =>
        Enumerable.Range(start, count).Select(i => New(i)).ToList();
}
