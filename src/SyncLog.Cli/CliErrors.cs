namespace SyncLog.Cli;

/// <summary>Bad arguments or input; reported as one line on stderr with exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>The log refused the request or failed; reported as one line on stderr with exit code 1.</summary>
internal sealed class CliRefusedException(string message) : Exception(message);
