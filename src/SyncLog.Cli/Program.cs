using System.CommandLine;
using Akka.Configuration;
using Spectre.Console;
using SyncLog.Cli;
using SyncLog.Cli.Commands;
using SyncLog.Storage;

// Piped output is read by scripts and pagers, not a terminal of 80 columns: do not wrap tables.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 240;

var options = new GlobalOptions();
var cli = new CliHost(options);
var root = new RootCommand("synclog: inspect, feed and measure per-library sync logs through the SyncLogActors host")
{
    DemoCommand.Create(cli),
    LeadCommand.Create(cli),
    AppendCommand.Create(cli),
    FetchCommand.Create(cli),
    LatestCommand.Create(cli),
    TailCommand.Create(cli),
    VacuumCommand.Create(cli),
    StatsCommand.Create(cli),
    ExportCommand.Create(cli),
};
options.AddTo(root);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    Console.Error.WriteLine($"synclog: {parse.Errors[0].Message} (see 'synclog --help')");
    return ExitCodes.Usage;
}

try
{
    // Our own handlers below turn errors into one line and an exit code, instead of a stack trace.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliUsageException e)
{
    Console.Error.WriteLine($"synclog: {e.Message}");
    return ExitCodes.Usage;
}
catch (ConfigurationException e)
{
    Console.Error.WriteLine($"synclog: configuration: {e.Message}");
    return ExitCodes.Usage;
}
catch (Exception e) when (e is CliRefusedException or SyncLogOpenException)
{
    Console.Error.WriteLine($"synclog: {e.Message}");
    return ExitCodes.Refused;
}
