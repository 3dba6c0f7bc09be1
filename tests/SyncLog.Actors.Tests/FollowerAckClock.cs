using Microsoft.Data.Sqlite;
using SyncLog.Storage;

namespace SyncLog.Actors.Tests;

// Moves a follower's last ack (sync_log_followers.updated_at) into the past in a live library file, so specs can make a
// follower lost to max-retention without waiting 90 days. WAL lets this write beside the host's open connection.
internal static class FollowerAckClock
{
    public static int SetLastAck(string file, string deviceId, DateTimeOffset at)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE sync_log_followers SET updated_at = $at WHERE device_id = $device";
        command.Parameters.AddWithValue("$at", UtcTimestamp.ToText(at));
        command.Parameters.AddWithValue("$device", deviceId);
        return command.ExecuteNonQuery();
    }
}
