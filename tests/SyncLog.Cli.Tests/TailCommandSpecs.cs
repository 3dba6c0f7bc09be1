namespace SyncLog.Cli.Tests;

/// <summary><c>synclog tail --follow</c>: it runs until interrupted, and an interrupt is a clean end.</summary>
public sealed class TailCommandSpecs : CliSpec
{
    [Fact]
    public void Ctrl_c_ends_tail_follow_with_exit_0_and_nothing_on_stderr()
    {
        Leader.Lead(Library);
        ImportSpecs.Append(Leader, Library, 1);

        var run = Leader.InterruptAfter("t-1", "tail", "--library", Library, "--follow");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
    }
}
