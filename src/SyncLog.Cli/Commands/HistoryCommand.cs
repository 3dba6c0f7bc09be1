using System.CommandLine;
using System.Globalization;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog history</c>: the entries of one record (<c>--model</c>, <c>--record</c>), of one device (<c>--device</c>)
/// or of a time range (<c>--from</c>, <c>--to</c>), through the log's indexed queries.
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var model = new Option<string?>("--model") { Description = "With --record: the record's model type" };
        var record = new Option<string?>("--record") { Description = "The history of this record (needs --model)" };
        var device = new Option<string?>("--device") { Description = "The entries this device made" };
        var since = CommonOptions.Since();
        since.Description = "With --device: entries after this sequence";
        var from = new Option<string?>("--from") { Description = "Entries at or after this time (ISO 8601, e.g. 2026-11-24T09:00:00Z)" };
        var to = new Option<string?>("--to") { Description = "Entries before this time (default: now)" };
        var limit = CommonOptions.Limit(100);
        var command = new Command("history", "Show the entries of a record, a device or a time range")
        {
            library, model, record, device, since, from, to, limit,
        };
        command.SetAction((parse, ct) =>
        {
            var id = parse.GetValue(library);
            var max = parse.GetValue(limit);
            CommonOptions.CheckPage(parse.GetValue(since), max);
            var byRecord = parse.GetValue(record) is not null || parse.GetValue(model) is not null;
            var byDevice = parse.GetValue(device) is not null;
            var byTime = parse.GetValue(from) is not null || parse.GetValue(to) is not null;
            if ((byRecord ? 1 : 0) + (byDevice ? 1 : 0) + (byTime ? 1 : 0) != 1)
                throw new CliUsageException("history needs exactly one of: --model and --record, --device, or --from/--to");
            if (byRecord && (parse.GetValue(model) is null || parse.GetValue(record) is null))
                throw new CliUsageException("--model and --record go together: the history of one record needs both");
            if (!byDevice && parse.GetResult(since) is { Implicit: false })
                throw new CliUsageException("--since only applies with --device; leave it out");

            ILibraryRequest request;
            if (byRecord)
            {
                request = new FetchByRecord(id, NotEmpty(parse.GetValue(model), "--model"), NotEmpty(parse.GetValue(record), "--record"), max);
            }
            else if (byDevice)
            {
                request = new FetchByDevice(id, NotEmpty(parse.GetValue(device), "--device"), parse.GetValue(since), max);
            }
            else
            {
                var start = parse.GetValue(from) is { } f ? Time(f, "--from") : DateTimeOffset.MinValue;
                var end = parse.GetValue(to) is { } t ? Time(t, "--to") : DateTimeOffset.UtcNow.AddSeconds(1);
                if (end <= start)
                    throw new CliUsageException($"--to must be after --from, got {Output.Time(start)} .. {Output.Time(end)}");
                request = new FetchByTimeRange(id, start, end, max);
            }

            return cli.ReadAsync(parse, async host =>
            {
                CliHost.RequireLibrary(host, id);
                var entries = Replies.Expect<EntriesFound>(await host.AskAsync(request, ct: ct)).Entries;
                if (cli.Json(parse))
                {
                    Output.WriteEntriesArrayJson(id, entries, entries.Count == max);
                }
                else
                {
                    Output.WriteEntriesTable(entries);
                    Console.WriteLine($"{Output.Entries(entries.Count)}{(entries.Count == max ? $"; limited to {max}, raise --limit for more" : "")}");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static string NotEmpty(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw new CliUsageException($"{option} must not be empty") : value;

    private static DateTimeOffset Time(string text, string option) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : throw new CliUsageException($"{option} must be an ISO 8601 date and time such as 2026-11-24T09:30:00Z, got '{text}'");
}
