using System.CommandLine;
using System.Runtime.InteropServices;
using Spectre.Console;
using SyncLog.Cli;
using SyncLog.Cli.Commands;

// Piped output is read by scripts and pagers, not a terminal of 80 columns: do not wrap tables.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 240;

var options = new GlobalOptions();
var cli = new CliHost(options);
var root = new RootCommand("synclog: inspect, feed and measure per-library sync logs through the SyncLogActors host")
{
    DemoCommand.Create(cli),
    LeadCommand.Create(cli),
    LeaderCommand.Create(cli),
    AppendCommand.Create(cli),
    FetchCommand.Create(cli),
    HistoryCommand.Create(cli),
    LatestCommand.Create(cli),
    TailCommand.Create(cli),
    VacuumCommand.Create(cli),
    ForgetFollowerCommand.Create(cli),
    StatsCommand.Create(cli),
    ExportCommand.Create(cli),
    ReplicateCommand.Create(cli),
    VerifyCommand.Create(cli),
    ServeCommand.Create(cli),
    FollowCommand.Create(cli),
};
options.AddTo(root);

// Response files are off: a value such as '--record @alice' is that text, not a file to expand.
var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
var json = args.Contains("--json", StringComparer.Ordinal);
if (parse.Errors.Count > 0)
    return ErrorReport.Write(ParseErrors.Describe(root, parse), ExitCodes.Usage, json);

// Ctrl-C is ours, not System.CommandLine's: its handler ends the process with 130 (and no message) when a command does
// not stop within two seconds, and can crash on a signal that arrives as the command ends. Ours only cancels the token
// every command observes, so an interrupted command still ends with one line and exit 1.
// Never disposed: a signal handler already running when the registration is disposed may still cancel it.
var interrupted = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
{
    signal.Cancel = true;
    interrupted.Cancel();
});

// SIGTERM (systemd, docker stop) stops the same way: serve removes its serve.json, follow and tail --follow exit 0,
// instead of the runtime's exit 143 that skips all of it.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    interrupted.Cancel();
});
try
{
    // Our own handlers below turn errors into one line and an exit code, instead of a stack trace.
    return await parse.InvokeAsync(
        new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
        interrupted.Token);
}
catch (Exception e)
{
    // Whatever an interrupted command failed with (an abandoned ask, a host shutting down), the cause is the Ctrl-C.
    var (message, code) = interrupted.IsCancellationRequested && !ErrorReport.IsInterruption(e)
        ? (ErrorReport.Interrupted, ExitCodes.Refused)
        : ErrorReport.Classify(e);
    return ErrorReport.Write(message, code, json);
}
