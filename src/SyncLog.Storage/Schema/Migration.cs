namespace SyncLog.Storage.Schema;

/// <summary>One numbered, shipped schema step; never edited once released, only followed by a new one.</summary>
/// <param name="Version">The <c>PRAGMA user_version</c> the file has after this step.</param>
/// <param name="Description">What the step changes, for logs and docs.</param>
/// <param name="Statements">DDL/DML run in order inside the step's transaction.</param>
internal sealed record Migration(int Version, string Description, IReadOnlyList<string> Statements);
