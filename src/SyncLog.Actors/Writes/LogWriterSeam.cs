using Akka.Actor;

namespace SyncLog.Actors.Writes;

/// <summary>
/// Test seam: an actor-system extension through which a test wraps a library's <see cref="ILogWriter"/> (to fail or
/// hold writes at will), holds or fails a learned-followers write, or makes a library's message handling throw (a bug).
/// Unused in production, where every hook stays null.
/// </summary>
internal sealed class LogWriterSeam : IExtension
{
    /// <summary>Given the library and its real writer, the writer its actor uses.</summary>
    public Func<Guid, ILogWriter, ILogWriter>? Wrap { get; set; }

    /// <summary>Awaited with the library and the report before a LearnFollowers report is stored; a faulted task fails that write.</summary>
    public Func<Guid, LearnFollowers, Task>? BeforeLearning { get; set; }

    /// <summary>Called with the library and the message before its handler runs; throwing here is a handler bug.</summary>
    public Action<Guid, object>? BeforeHandling { get; set; }

    /// <summary>Called with the library and the message after its handler ran; throwing here is a handler bug.</summary>
    public Action<Guid, object>? AfterHandling { get; set; }

    public static LogWriterSeam Get(ActorSystem system) => system.WithExtension<LogWriterSeam, LogWriterSeamProvider>();

    public ILogWriter For(Guid libraryId, ILogWriter writer) => Wrap?.Invoke(libraryId, writer) ?? writer;
}

/// <summary>Creates the <see cref="LogWriterSeam"/> extension.</summary>
internal sealed class LogWriterSeamProvider : ExtensionIdProvider<LogWriterSeam>
{
    public override LogWriterSeam CreateExtension(ExtendedActorSystem system) => new();
}
