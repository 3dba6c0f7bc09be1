using Akka.Actor;
using Akka.Serialization;

namespace SyncLog.Actors;

/// <summary>
/// The serializer of <see cref="LocalMessage"/>s, which must never leave the process: it throws both ways, so a wrapped
/// request sent to a remote ref by mistake fails loudly instead of carrying the host's token through Akka's default
/// JSON serializer. Identifier 7413.
/// </summary>
internal sealed class LocalOnlySerializer(ExtendedActorSystem system) : Serializer(system)
{
    /// <inheritdoc />
    public override int Identifier => 7413;

    /// <inheritdoc />
    public override bool IncludeManifest => false;

    /// <inheritdoc />
    public override byte[] ToBinary(object obj) => throw new NotSupportedException(
        $"{obj?.GetType().Name} carries this host's local trust token and must not leave the process; send the request itself to a remote ref");

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, Type type) => throw new NotSupportedException(
        "a message vouched for by a host's local trust token never crosses the wire; refusing to read one");
}
