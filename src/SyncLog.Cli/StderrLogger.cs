using Akka.Actor;
using Akka.Event;

namespace SyncLog.Cli;

/// <summary>The actor system's logger for the command line: writes log events to stderr, so stdout stays tables and JSON.</summary>
public sealed class StderrLogger : ReceiveActor
{
    /// <summary>Creates the logger; Akka starts it from <c>akka.loggers</c>.</summary>
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine(e.ToString()));
    }
}
