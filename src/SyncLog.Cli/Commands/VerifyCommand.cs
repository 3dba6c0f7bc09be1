using System.CommandLine;
using SyncLog.Actors;
using SyncLog.Storage;

namespace SyncLog.Cli.Commands;

/// <summary>
/// <c>synclog verify</c>: recomputes a library's checksum chain (first broken sequence, exit 1), or with
/// <c>--against</c> compares its chain head with the same library's in another data dir, in O(1).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliHost cli)
    {
        var library = CommonOptions.Library();
        var against = new Option<string?>("--against")
        {
            Description = "Another data dir holding the same library: compare the two logs' chain heads instead",
        };
        var command = new Command("verify", "Check a library's checksum chain, or compare it with another data dir's copy")
        {
            library, against,
        };
        command.SetAction((parse, ct) =>
        {
            var other = parse.GetResult(against) is null ? null : parse.GetValue(against);
            if (other is not null && string.IsNullOrWhiteSpace(other))
                throw new CliUsageException("--against must not be empty (a data dir)");
            // Comparing a data dir with itself proves nothing (and would open it twice), as replicate refuses it too.
            if (other is not null && string.Equals(cli.Settings(parse).DataDir, cli.Settings(parse, other, readOnly: true).DataDir, StringComparison.Ordinal))
                throw new CliUsageException($"--against is the data dir itself ('{cli.Settings(parse).DataDir}'); name another data dir");
            // Said before anything opens: as "unknown library" it would read as if the library, or this data dir, were wrong.
            if (other is not null && cli.Settings(parse, other, readOnly: true).DataDir is var otherDir)
            {
                if (!Directory.Exists(otherDir) && !File.Exists(otherDir))
                    throw new CliUsageException($"--against '{otherDir}' does not exist");
                if (File.Exists(otherDir))
                    throw new CliUsageException($"--against '{otherDir}' is a file, not a data dir");
            }

            return cli.ReadAsync(parse, async host =>
            {
                var id = parse.GetValue(library);
                CliHost.RequireLibrary(host, id);
                return other is null
                    ? await VerifyAsync(cli, parse, host, id, ct)
                    : await CompareAsync(cli, parse, host, id, other, ct);
            });
        });
        return command;
    }

    private static async Task<int> VerifyAsync(CliHost cli, ParseResult parse, SyncLogHost host, Guid id, CancellationToken ct)
    {
        var result = Replies.Expect<ChainVerified>(await host.AskAsync(new VerifyChain(id), ct: ct)).Result;
        if (cli.Json(parse))
        {
            Output.WriteJson(new
            {
                library_id = id,
                intact = result.IsIntact,
                checked_entries = result.CheckedEntries,
                latest_sequence = result.HeadSequence,
                head_checksum = result.HeadChecksum?.ToString(),
                first_broken_sequence = result.FirstBrokenSequence,
                problem = result.Problem,
            });
        }
        else if (result.IsIntact)
        {
            Console.WriteLine($"chain intact: {Output.Entries(result.CheckedEntries)} checked, latest sequence {result.HeadSequence}, head checksum {result.HeadChecksum?.ToString() ?? "unknown"}");
        }
        else
        {
            Console.WriteLine($"chain broken at sequence {result.FirstBrokenSequence}: {result.Problem}");
        }

        // The result stays on stdout; like every non-zero exit, the failure also gets its one line on stderr.
        return result.IsIntact
            ? ExitCodes.Ok
            : ErrorReport.Write($"chain broken at sequence {result.FirstBrokenSequence}: {result.Problem}", ExitCodes.Refused, cli.Json(parse));
    }

    private static async Task<int> CompareAsync(CliHost cli, ParseResult parse, SyncLogHost host, Guid id, string otherDir,
        CancellationToken ct)
    {
        var otherSettings = cli.Settings(parse, otherDir, readOnly: true);
        DataDirCheck.RequireLibrary(otherSettings.DataDir, id);
        await using var otherHost = SyncLogHost.Start(cli.Overrides(parse, otherDir, readOnly: true), "synclog-cli-against");

        var mine = Replies.Expect<ChainHeadFound>(await host.AskAsync(new GetChainHead(id), ct: ct)).Head;
        var theirs = Replies.Expect<ChainHeadFound>(await otherHost.AskAsync(new GetChainHead(id), ct: ct)).Head;
        SyncLogChecksum? atShorterHead = null;
        if (mine.Sequence != theirs.Sequence && Math.Min(mine.Sequence, theirs.Sequence) > 0)
        {
            var longer = mine.Sequence > theirs.Sequence ? host : otherHost;
            var at = Math.Min(mine.Sequence, theirs.Sequence);
            atShorterHead = Replies.Expect<ChecksumFound>(await longer.AskAsync(new GetChecksumAt(id, at), ct: ct)).Checksum;
        }

        var comparison = ChainComparison.Of(mine, theirs, atShorterHead);
        var here = host.Settings.DataDir;
        var there = otherSettings.DataDir;
        var verdict = comparison.Relation switch
        {
            ChainRelation.Equal => $"equal: both end at sequence {comparison.At} with checksum {mine.Checksum}",
            ChainRelation.PrefixOfOther => $"prefix: {here} (latest {mine.Sequence}) is a prefix of {there} (latest {theirs.Sequence})",
            ChainRelation.OtherIsPrefix => $"prefix: {there} (latest {theirs.Sequence}) is a prefix of {here} (latest {mine.Sequence})",
            ChainRelation.Diverged => $"diverged at or before sequence {comparison.At}",
            _ => $"undecided: the checksum at sequence {comparison.At} is vacuumed or unknown in one of the logs",
        };
        if (cli.Json(parse))
        {
            Output.WriteJson(new
            {
                library_id = id,
                relation = comparison.Relation switch
                {
                    ChainRelation.Equal => "equal",
                    ChainRelation.PrefixOfOther or ChainRelation.OtherIsPrefix => "prefix",
                    ChainRelation.Diverged => "diverged",
                    _ => "undecided",
                },
                at_sequence = comparison.At,
                latest_sequence = mine.Sequence,
                head_checksum = mine.Checksum?.ToString(),
                other_latest_sequence = theirs.Sequence,
                other_head_checksum = theirs.Checksum?.ToString(),
                message = verdict,
            });
        }
        else
        {
            Console.WriteLine(verdict);
        }

        return comparison.Relation is ChainRelation.Equal or ChainRelation.PrefixOfOther or ChainRelation.OtherIsPrefix
            ? ExitCodes.Ok
            : ErrorReport.Write(verdict, ExitCodes.Refused, cli.Json(parse));
    }
}
