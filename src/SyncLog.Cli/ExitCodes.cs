namespace SyncLog.Cli;

/// <summary>The process exit codes of <c>synclog</c>, documented in the README.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The log refused or failed: not leader, stale term, storage failure, demo verification failed.</summary>
    public const int Refused = 1;

    /// <summary>Bad arguments or input: nothing was done.</summary>
    public const int Usage = 2;
}
