using System.Reflection;
using Akka.Configuration;

namespace SyncLog.Actors;

/// <summary>The embedded <c>synclog.hocon</c> defaults, and the full config a host's actor system needs.</summary>
public static class SyncLogConfig
{
    private static readonly Lazy<Config> EmbeddedDefaults = new(LoadEmbedded);

    /// <summary>Every <c>synclog</c> key with its default, as shipped in <c>hocon/synclog.hocon</c>.</summary>
    public static Config Defaults => EmbeddedDefaults.Value;

    /// <summary>
    /// <paramref name="overrides"/> over the defaults, with the leadership journal and snapshot store pointed at
    /// <c>{data-dir}/sync-host.db</c> unless their connection strings are given. Create your ActorSystem with this.
    /// </summary>
    public static Config Build(Config? overrides = null)
    {
        var merged = (overrides ?? Config.Empty).WithFallback(Defaults);
        var settings = SyncLogSettings.FromConfig(merged);
        var connection = $"Data Source={settings.HostDbPath}";
        var derived = new List<string>();
        if (string.IsNullOrWhiteSpace(merged.GetString("synclog.persistence.journal.connection-string")))
            derived.Add($"synclog.persistence.journal.connection-string = {Quote(connection)}");
        if (string.IsNullOrWhiteSpace(merged.GetString("synclog.persistence.snapshot-store.connection-string")))
            derived.Add($"synclog.persistence.snapshot-store.connection-string = {Quote(connection)}");
        return derived.Count == 0
            ? merged
            : ConfigurationFactory.ParseString(string.Join('\n', derived)).WithFallback(merged);
    }

    /// <summary>A HOCON string literal of <paramref name="value"/> (paths may hold backslashes and quotes).</summary>
    public static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static Config LoadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SyncLog.Actors.synclog.hocon")
                           ?? throw new InvalidOperationException("embedded synclog.hocon is missing from SyncLog.Actors");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
