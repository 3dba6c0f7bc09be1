using System.CommandLine;
using Spectre.Console;
using SyncLog.Actors;
using SyncLog.Cli.Demo;

namespace SyncLog.Cli.Commands;

/// <summary><c>synclog demo</c>: runs <see cref="DemoScenario"/> on the data dir (or a temp dir) and verifies it.</summary>
internal static class DemoCommand
{
    // How long an interrupted demo waits for its hosts and NAS process to stop; a host stops in about a second.
    private static readonly TimeSpan WindDownPatience = TimeSpan.FromSeconds(15);

    public static Command Create(CliHost cli)
    {
        var temp = new Option<bool>("--temp") { Description = "Run in a fresh temp dir, removed afterwards" };
        var command = new Command("demo", "Sync one library between devices, and to a follower process over the network, through a fail-over; then verify") { temp };
        cli.DescribeDataDir(command, $"{GlobalOptions.DefaultDataDir}; not with --temp");
        command.SetAction(async (parse, ct) =>
        {
            // Both name where the demo writes: taking one silently would write where the user did not ask.
            if (parse.GetValue(temp) && cli.ExplicitDataDir(parse) is not null)
                throw new CliUsageException("--temp does not apply with --data-dir: --temp runs in a fresh temp dir; leave out one of them");
            var tempDir = parse.GetValue(temp)
                ? Path.Combine(Path.GetTempPath(), "synclog-demo-" + Guid.NewGuid().ToString("N"))
                : null;
            try
            {
                var overrides = cli.Overrides(parse, tempDir);
                var dataDir = cli.Settings(parse, tempDir).DataDir;
                DataDirCheck.RequireWritable(dataDir);
                var json = cli.Json(parse);
                if (tempDir is not null && cli.Verbose(parse))
                    Console.Error.WriteLine($"synclog: data dir {dataDir} (temporary)");
                var scenario = new DemoScenario(dataDir, overrides, line =>
                {
                    if (!json)
                        AnsiConsole.MarkupLine(line);
                });
                IReadOnlyList<DemoCheck> checks;
                var run = scenario.RunAsync(ct);
                try
                {
                    checks = await run.WaitAsync(ct);
                }
                catch (Exception e) when (ct.IsCancellationRequested)
                {
                    // The scenario unwinds on Ctrl-C, stopping its hosts and the NAS: wait for that (bounded), or --temp's
                    // dir, removed below, would be written again by a host still running and outlive the demo.
                    await Task.WhenAny(run, Task.Delay(WindDownPatience, CancellationToken.None));
                    if (ErrorReport.IsInterruption(e))
                        throw;
                    throw new CliRefusedException(tempDir is null
                        ? $"{ErrorReport.Interrupted}: the demo's unfinished library stays in {dataDir}"
                        : ErrorReport.Interrupted);
                }

                Report(checks, json);
                // Said once the demo ran, so that a demo that cannot start (data dir in use) prints only its error line.
                if (tempDir is null)
                    Console.Error.WriteLine($"synclog: the demo wrote a library into {dataDir}; use --temp for a throwaway data dir");
                return checks.All(c => c.Passed) ? ExitCodes.Ok : ExitCodes.Refused;
            }
            finally
            {
                if (tempDir is not null && Directory.Exists(tempDir))
                    Directory.Delete(tempDir, recursive: true);
            }
        });
        return command;
    }

    private static void Report(IReadOnlyList<DemoCheck> checks, bool json)
    {
        if (json)
        {
            Output.WriteJson(new { passed = checks.All(c => c.Passed), checks });
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("", "check", "observed");
        foreach (var check in checks)
            table.AddRow(check.Passed ? "[green]ok[/]" : "[red]FAILED[/]", Markup.Escape(check.What), Markup.Escape(check.Detail));
        AnsiConsole.Write(table);
        var failed = checks.Count(c => !c.Passed);
        AnsiConsole.MarkupLine(failed == 0
            ? $"[green]demo verified: {checks.Count} checks passed[/]"
            : $"[red]demo failed: {failed} of {checks.Count} checks failed[/]");
    }
}
