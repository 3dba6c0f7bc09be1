using Akka.Actor;
using Akka.Configuration;

namespace SyncLog.Actors;

/// <summary>
/// The Akka.Remote HOCON of a served host and of its peers (loopback by default, untrusted mode with only the gateway
/// and the remote watcher selectable, frames large enough for a page of entries), shared by <c>synclog serve</c>/
/// <c>follow</c> and the benchmark's leader process. Only text: the process that uses it needs the Akka.Remote package; these actors do not.
/// </summary>
public static class SyncLogRemoting
{
    /// <summary>The actor system name of a served host, part of its address.</summary>
    public const string SystemName = "synclog";

    /// <summary>The host a served host or a peer listens on unless told otherwise: this machine only.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>Akka.Remote's remote watcher, which DeathWatch heartbeats are sent to as actor selections.</summary>
    private const string RemoteWatcherPath = "/system/remote-watcher";

    /// <summary>The largest message on the wire: a page of 10,000 entries of ~1.5 KB JSON each.</summary>
    private const string MaximumFrameSize = "16MiB";

    /// <summary>
    /// The remoting config of a served host listening on <paramref name="bindHost"/>:<paramref name="port"/>, known to
    /// peers as <paramref name="publicHost"/> (when given), over TLS when <paramref name="tls"/>; writes from peers and
    /// from anything else in the process are refused unless <paramref name="allowWrites"/>.
    /// </summary>
    public static Config Server(string bindHost, int port, string? publicHost, bool tls, bool allowWrites) =>
        ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote {
              dot-netty.tcp {
                hostname = {{SyncLogConfig.Quote(bindHost)}}
                public-hostname = {{SyncLogConfig.Quote(publicHost ?? "")}}
                port = {{port}}
                enable-ssl = {{(tls ? "on" : "off")}}
                maximum-frame-size = {{MaximumFrameSize}}
                # .NET's address reuse on Linux is SO_REUSEPORT too: a second host could share the port and its peers.
                tcp-reuse-addr = off
              }
              # Remote peers may select only the gateway, deploy nothing and stop nothing (possibly-harmful messages are dropped). And the
              # remote watcher: DeathWatch heartbeats are selections of it, and a peer whose heartbeats go unanswered
              # takes this live host for dead and quarantines it (it only answers heartbeats).
              untrusted-mode = on
              trusted-selection-paths = [{{SyncLogConfig.Quote(SyncLogGateway.Path)}}, {{SyncLogConfig.Quote(RemoteWatcherPath)}}]
            }
            synclog.serve.allow-writes = {{(allowWrites ? "on" : "off")}}
            # Without allow-writes nothing writes in this process: a peer that sends past the gateway is refused too.
            synclog.refuse-writes = {{(allowWrites ? "off" : "on")}}
            """);

    /// <summary>
    /// The remoting config of a peer of a served host (a follower, a client): it listens on a free port on
    /// <paramref name="bindHost"/> for replies and pushes, reached as <paramref name="publicHost"/> when given, in untrusted
    /// mode like a served host (the hosts it follows are peers too). Only the remoting part, to sit over the peer's own
    /// settings.
    /// </summary>
    public static Config Peer(bool tls, string bindHost = Loopback, string? publicHost = null) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp {
          hostname = {{SyncLogConfig.Quote(bindHost)}}
          public-hostname = {{SyncLogConfig.Quote(publicHost ?? "")}}
          port = 0
          enable-ssl = {{(tls ? "on" : "off")}}
          maximum-frame-size = {{MaximumFrameSize}}
        }
        # Hosts it follows may select only its remote watcher (DeathWatch heartbeats), deploy nothing and stop nothing;
        # they push to its subscribers and answer its requests by ref, not by selection.
        akka.remote.untrusted-mode = on
        akka.remote.trusted-selection-paths = [{{SyncLogConfig.Quote(RemoteWatcherPath)}}]
        """);

    /// <summary>The address remote peers select the gateway at, e.g. <c>akka.tcp://synclog@127.0.0.1:4053/user/synclog-gateway</c>.</summary>
    public static string GatewayAddress(ActorSystem system) =>
        ((ExtendedActorSystem)system).Provider.DefaultAddress + SyncLogGateway.Path;
}
