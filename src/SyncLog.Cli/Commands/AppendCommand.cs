using System.CommandLine;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog append</c>: appends one entry from options, or many from a JSON Lines file, as the leader.</summary>
internal static class AppendCommand
{
    private const int FileBatchSize = 1000;

    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var device = new Option<string?>("--device") { Description = "Device that made the change" };
        var model = new Option<string?>("--model") { Description = "Model type: album, tag, entry, bulk_operation, ..." };
        var record = new Option<string?>("--record") { Description = "The changed record's id" };
        var change = new Option<string?>("--change") { Description = "insert, update, delete or bulk_insert" };
        var data = new Option<string?>("--data") { Description = "The change's JSON payload" };
        var version = new Option<long>("--version") { Description = "Record version (>= 1)", DefaultValueFactory = _ => 1 };
        var file = new Option<FileInfo?>("--file") { Description = "A JSON Lines file of entries to append instead" };
        var command = new Command("append", "Append entries to a library this device leads")
        {
            library, device, model, record, change, data, version, file,
        };
        command.SetAction((parse, _) =>
        {
            var id = parse.GetValue(library);
            var entriesFile = parse.GetValue(file);
            IReadOnlyList<NewSyncLogEntry> entries = entriesFile is not null
                ? ReadFile(entriesFile)
                : [FromOptions(parse, device, model, record, change, data, version)];
            return cli.RunAsync(parse, host => AppendAsync(host, id, entries, cli.Json(parse)));
        });
        return command;
    }

    private static NewSyncLogEntry FromOptions(ParseResult parse, Option<string?> device, Option<string?> model,
        Option<string?> record, Option<string?> change, Option<string?> data, Option<long> version)
    {
        string Required(Option<string?> option) => parse.GetValue(option) is { Length: > 0 } value
            ? value
            : throw new CliUsageException($"{option.Name} is required (or use --file)");

        return new NewSyncLogEntry(Required(device), DateTimeOffset.UtcNow, Required(model), Required(record),
            EntryJson.ParseChange(Required(change)), Required(data), parse.GetValue(version));
    }

    private static List<NewSyncLogEntry> ReadFile(FileInfo file)
    {
        if (!file.Exists)
            throw new CliUsageException($"entries file '{file.FullName}' does not exist");
        var now = DateTimeOffset.UtcNow;
        var entries = new List<NewSyncLogEntry>();
        var number = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
                entries.Add(EntryJson.ParseNew(line, number, now));
        }

        return entries.Count > 0 ? entries : throw new CliUsageException($"entries file '{file.FullName}' holds no entries");
    }

    private static async Task<int> AppendAsync(SyncLogHost host, Guid library, IReadOnlyList<NewSyncLogEntry> entries, bool json)
    {
        var sequences = await Output.WithProgressAsync($"appending {entries.Count} entries", entries.Count, json, async progress =>
        {
            var all = new List<long>(entries.Count);
            foreach (var chunk in entries.Chunk(FileBatchSize))
            {
                var reply = await host.AskAsync(new AppendBatch(library, chunk));
                all.AddRange(Replies.Expect<BatchAppended>(reply).Sequences);
                progress(all.Count);
            }

            return all;
        });

        if (json)
            Output.WriteJson(new { library_id = library, sequences });
        else if (sequences.Count == 1)
            Console.WriteLine($"appended at sequence {sequences[0]}");
        else
            Console.WriteLine($"appended {sequences.Count} entries at sequences {sequences[0]}..{sequences[^1]}");
        return ExitCodes.Ok;
    }
}
