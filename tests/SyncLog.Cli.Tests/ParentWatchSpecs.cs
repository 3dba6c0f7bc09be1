using System.Diagnostics;

namespace SyncLog.Cli.Tests;

/// <summary>
/// What <c>--exit-with-parent</c> takes for its parent: a process is its id and its start time, so an id the system gave
/// to another process after the parent ended is not the parent.
/// </summary>
public sealed class ParentWatchSpecs
{
    [Fact]
    public void A_running_process_is_identified_and_stays_running_while_it_runs()
    {
        using var sleeper = Process.Start("sleep", "600");
        try
        {
            var parent = ParentWatch.Identify(sleeper.Id);

            Assert.NotNull(parent);
            Assert.Equal(sleeper.Id, parent.Pid);
            Assert.True(ParentWatch.IsRunning(parent));
            Assert.Equal(parent, ParentWatch.Identify(sleeper.Id));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void A_process_with_the_parents_id_but_another_start_time_is_not_the_parent()
    {
        var self = ParentWatch.Identify(Environment.ProcessId)!;

        Assert.False(ParentWatch.IsRunning(self with { StartTime = self.StartTime - 1 }));
        Assert.False(ParentWatch.IsRunning(self with { StartTime = self.StartTime + 1 }));
        Assert.True(ParentWatch.IsRunning(self));
    }

    [Fact]
    public void A_process_that_ended_is_gone_and_cannot_be_identified()
    {
        using var sleeper = Process.Start("sleep", "600");
        var parent = ParentWatch.Identify(sleeper.Id)!;

        sleeper.Kill();
        sleeper.WaitForExit();

        Assert.False(ParentWatch.IsRunning(parent));
        Assert.Null(ParentWatch.Identify(sleeper.Id));
    }
}
