using System.Diagnostics;

namespace SyncLog.Bench;

/// <summary>One write scenario's curve and costs: what the second table prints.</summary>
/// <param name="Section">The section of the results table it belongs to.</param>
/// <param name="Name">The scenario, as in the results table.</param>
/// <param name="Curve">When each thousandth row was acknowledged.</param>
/// <param name="FileBytes">Bytes on disk at the end (database and WAL).</param>
/// <param name="CpuMicrosPerRow">Process CPU time (all threads) per row written.</param>
/// <param name="AllocatedBytesPerRow">Managed bytes allocated (all threads) per row written.</param>
/// <param name="Writer">For ours, the append transactions of the run's library (null for raw and the peer).</param>
internal sealed record WriteRun(string Section, string Name, RateCurve Curve, long FileBytes, double CpuMicrosPerRow,
    double AllocatedBytesPerRow, WriterStats? Writer = null)
{
    public int Rows => Curve.Total;

    /// <summary>Runs <paramref name="write"/> (which returns the file it wrote) and records its CPU and allocations.</summary>
    public static async Task<WriteRun> MeasureAsync(string section, string name, int rows, Func<RateCurve, Task<string>> write)
    {
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var curve = new RateCurve(rows);
        var file = await write(curve);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        var wal = new FileInfo(file + "-wal");
        var bytes = new FileInfo(file).Length + (wal.Exists ? wal.Length : 0);
        return new WriteRun(section, name, curve, bytes, cpu.TotalMicroseconds / rows, allocated / (double)rows);
    }
}
