namespace SyncLog.Cli.Tests;

/// <summary>The one polling loop of the process specs: a condition on another process's output or files, checked until it holds.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> saying <paramref name="what"/>
    /// once <paramref name="patience"/> has passed, or as soon as <paramref name="givenUp"/> holds (the process it waits on ended).
    /// </summary>
    public static async Task Until(Func<bool> condition, TimeSpan patience, Func<string> what, Func<bool>? givenUp = null)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || givenUp?.Invoke() == true)
                throw new TimeoutException($"not within {patience}: {what()}");
            await Task.Delay(Interval);
        }
    }
}
