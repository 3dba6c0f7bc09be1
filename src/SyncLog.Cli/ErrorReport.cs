using System.Text.Encodings.Web;
using System.Text.Json;
using Akka.Configuration;
using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>
/// Turns every failure into one line and an exit code: <c>synclog: ...</c> on stderr, or with <c>--json</c> one JSON
/// object <c>{"error": "...", "exit_code": N}</c> on stderr, so stdout only ever carries results.
/// </summary>
internal static class ErrorReport
{
    /// <summary>The one line of a command stopped by Ctrl-C.</summary>
    public const string Interrupted = "interrupted (Ctrl-C)";

    /// <summary>True when <paramref name="e"/> already reports a Ctrl-C in its own words.</summary>
    public static bool IsInterruption(Exception e) =>
        e is CliRefusedException && e.Message.StartsWith("interrupted", StringComparison.Ordinal);

    /// <summary>The message and exit code of <paramref name="e"/>; never a stack trace.</summary>
    public static (string Message, int ExitCode) Classify(Exception e) => e switch
    {
        CliUsageException => (e.Message, ExitCodes.Usage),
        ConfigurationException => ($"configuration: {OneLine(e.Message)}", ExitCodes.Usage),
        CliRefusedException => (e.Message, ExitCodes.Refused),
        SyncLogOpenException or SyncLogLockedException => (OneLine(e.Message), ExitCodes.Refused),
        UnauthorizedAccessException => ($"permission denied: {OneLine(e.Message)}", ExitCodes.Refused),
        IOException => ($"I/O error: {OneLine(e.Message)}", ExitCodes.Refused),
        TimeoutException or Akka.Actor.AskTimeoutException => ("the sync log host did not answer in time", ExitCodes.Refused),
        OperationCanceledException => (Interrupted, ExitCodes.Refused),
        AggregateException { InnerExceptions.Count: 1 } a => Classify(a.InnerExceptions[0]),
        _ => ($"unexpected error ({e.GetType().Name}): {OneLine(e.Message)}", ExitCodes.Refused),
    };

    /// <summary>Writes <paramref name="message"/> to stderr as text or JSON and returns <paramref name="exitCode"/>.</summary>
    public static int Write(string message, int exitCode, bool json)
    {
        if (json)
            Console.Error.WriteLine(JsonSerializer.Serialize(new ErrorLine(message, exitCode), ErrorJson.Options));
        else
            Console.Error.WriteLine($"synclog: {message}");
        return exitCode;
    }

    /// <summary>
    /// <paramref name="reason"/> without the "LineNumber: 0 | BytePositionInLine: n." that System.Text.Json appends
    /// (it counts inside one value, which means nothing to the person who typed it).
    /// </summary>
    public static string WithoutJsonPosition(string reason)
    {
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? reason : reason[..cut].TrimEnd().TrimEnd('.');
    }

    /// <summary>
    /// <paramref name="message"/> without the " (Parameter 'Name')" that <see cref="ArgumentException"/> appends: it names
    /// a .NET parameter, not anything the user wrote.
    /// </summary>
    public static string WithoutParameterName(string message)
    {
        var cut = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    /// <summary>The first line of <paramref name="message"/>, trimmed.</summary>
    public static string OneLine(string message)
    {
        var cut = message.IndexOfAny(['\r', '\n']);
        return (cut < 0 ? message : message[..cut]).Trim();
    }

    private sealed record ErrorLine(string Error, int ExitCode);

    private static class ErrorJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            // Messages quote paths and values with ' and ": keep them readable; this is not HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
