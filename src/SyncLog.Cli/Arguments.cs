using SyncLog.Storage;

namespace SyncLog.Cli;

/// <summary>Checks argument values with the log's own input rules before any host starts, so bad input exits 2 at once.</summary>
internal static class Arguments
{
    /// <summary>Runs <paramref name="check"/>, turning its <see cref="ArgumentException"/> into a usage error.</summary>
    public static void Check(Action check)
    {
        try
        {
            check();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(ErrorReport.WithoutJsonPosition(EntryValidator.ReasonOf(e)));
        }
    }
}
