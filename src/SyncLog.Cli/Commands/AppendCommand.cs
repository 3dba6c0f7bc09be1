using System.CommandLine;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog append</c>: appends one entry from options, or many from a JSON Lines file, as the leader. A file is
/// checked whole before anything is written and committed in one transaction; every line carries an idempotency key,
/// so running the same import again after an interruption commits nothing twice.
/// </summary>
internal static class AppendCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var device = new Option<string?>("--device") { Description = "Device that made the change" };
        var model = new Option<string?>("--model") { Description = "Model type: album, tag, entry, bulk_operation, ..." };
        var record = new Option<string?>("--record") { Description = "The changed record's id" };
        var change = new Option<string?>("--change") { Description = "insert, update, delete or bulk_insert" };
        var data = new Option<string?>("--data") { Description = "The change's JSON payload" };
        var version = new Option<long>("--version") { Description = "Record version (>= 1)", DefaultValueFactory = _ => 1 };
        var file = new Option<string?>("--file")
        {
            Description = "A JSON Lines file of entries to append instead (- for standard input); all or nothing, resumable",
        };
        var command = new Command("append", "Append entries to a library this device leads")
        {
            library, device, model, record, change, data, version, file,
        };
        command.SetAction(async (parse, ct) =>
        {
            var id = parse.GetValue(library);
            if (parse.GetValue(file) is { } path)
            {
                var mixed = new Option[] { device, model, record, change, data, version }
                    .Where(o => parse.GetResult(o) is { Implicit: false })
                    .Select(o => o.Name)
                    .ToList();
                if (mixed.Count > 0)
                    throw new CliUsageException($"--file takes every field from the file; leave out {string.Join(", ", mixed)}");
                if (path.Length == 0)
                    throw new CliUsageException("--file must not be empty (use - for standard input)");
                var input = await EntriesFile.ReadAsync(path, "--file", ct);
                var now = DateTimeOffset.UtcNow;
                // Checked whole before the host starts: a bad line anywhere means nothing is written.
                var entries = new List<NewSyncLogEntry>(input.Lines.Count);
                foreach (var (number, text) in input.Lines)
                {
                    ct.ThrowIfCancellationRequested();
                    entries.Add(EntryJson.ParseNew(text, number, now, $"synclog-import:{input.ContentHash}:{number}"));
                }

                RefuseRepeatedKeys(input, entries);

                return await cli.RunAsync(parse, host => ImportAsync(host, id, input, entries, cli.Json(parse), ct), ct);
            }

            var entry = FromOptions(parse, device, model, record, change, data, version);
            return await cli.RunAsync(parse, async host =>
            {
                var sequence = Replies.Expect<BatchAppended>(await host.AskAsync(new AppendBatch(id, [entry]), ct: ct)).Sequences[0];
                if (cli.Json(parse))
                    Output.WriteJson(new { library_id = id, sequences = new[] { sequence } });
                else
                    Console.WriteLine($"appended at sequence {sequence}");
                return ExitCodes.Ok;
            }, ct);
        });
        return command;
    }

    /// <summary>
    /// Refuses a file in which two lines share an idempotency key: the log would keep the first and answer the second
    /// with its sequence, silently dropping a line. A key committed by an earlier run is different: that is how a
    /// re-run resumes.
    /// </summary>
    private static void RefuseRepeatedKeys(EntriesFile input, List<NewSyncLogEntry> entries)
    {
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var key = entries[i].IdempotencyKey!;
            var line = input.Lines[i].Number;
            if (!firstLine.TryAdd(key, line))
                throw new CliUsageException($"{input.Name} lines {firstLine[key]} and {line} share {EntryJson.IdempotencyKeyField} '{key}'; give each line its own key (nothing was written)");
        }
    }

    private static NewSyncLogEntry FromOptions(ParseResult parse, Option<string?> device, Option<string?> model,
        Option<string?> record, Option<string?> change, Option<string?> data, Option<long> version)
    {
        string Required(Option<string?> option) => parse.GetValue(option) is { Length: > 0 } value
            ? value
            : throw new CliUsageException($"{option.Name} is required (or use --file)");

        var recordVersion = parse.GetValue(version);
        // Versions travel as JSON numbers like sequences: above 2^53-1 a reader would see a different number.
        if (recordVersion is < 1 or > EntryValidator.MaxSequence)
            throw new CliUsageException($"--version must be between 1 and {EntryValidator.MaxSequence} (2^53-1), got {recordVersion}");
        var entry = new NewSyncLogEntry(Required(device), DateTimeOffset.UtcNow, Required(model), Required(record),
            ChangeTypeOption(Required(change)), Required(data), recordVersion);
        Arguments.Check(() => EntryValidator.Validate(entry, "entry"));
        return entry;
    }

    private static ChangeType ChangeTypeOption(string text) =>
        ChangeTypeText.TryParse(text, out var change)
            ? change
            : throw new CliUsageException($"--change must be insert, update, delete or bulk_insert, got '{text}'");

    private static async Task<int> ImportAsync(SyncLogHost host, Guid library, EntriesFile input,
        List<NewSyncLogEntry> entries, bool json, CancellationToken ct)
    {
        // Asking a library that has no log yet would open (create) it even if the append is then refused.
        var before = File.Exists(SyncLogDb.PathFor(library, host.Settings.DataDir))
            ? Replies.Expect<LatestSequence>(await host.AskAsync(new GetLatestSequence(library), ct: ct)).Sequence
            : 0;
        // One AppendBatch is one transaction: the import commits whole or not at all. Ctrl-C before the reply may still
        // leave it committed; the idempotency keys make a second run report that instead of writing it again.
        object reply;
        try
        {
            reply = await Output.WithProgressAsync($"appending {Output.Entries(entries.Count)}", 1, json,
                async _ => await host.AskAsync(new AppendBatch(library, entries), TimeSpan.FromMinutes(10), ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new CliRefusedException(
                $"interrupted: the import of {input.Name} committed all of its {entries.Count} entries or none; run the same command again to finish it (entries already committed are not written twice)");
        }

        var sequences = Replies.Expect<BatchAppended>(reply).Sequences;
        var earlier = sequences.Count(s => s <= before);
        var added = sequences.Count - earlier;

        if (json)
        {
            Output.WriteJson(new
            {
                library_id = library,
                appended = added,
                already_committed = earlier,
                first_sequence = sequences.Min(),
                last_sequence = sequences.Max(),
                sequences,
            });
        }
        else if (earlier == 0)
        {
            Console.WriteLine(sequences.Count == 1
                ? $"appended at sequence {sequences[0]}"
                : $"appended {sequences.Count} entries at sequences {sequences[0]}..{sequences[^1]}");
        }
        else
        {
            Console.WriteLine($"appended {Output.Entries(added)}; {earlier} of {input.Name} were already committed by an earlier run (idempotency keys), not written again");
        }

        return ExitCodes.Ok;
    }
}
