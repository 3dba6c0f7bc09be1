namespace SyncLog.Cli;

/// <summary>A process the command watches: its id, and its start time so that a reused id is not taken for it.</summary>
internal sealed record ParentProcess(int Pid, long StartTime);
