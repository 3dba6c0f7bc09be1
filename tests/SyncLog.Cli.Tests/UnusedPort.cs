using System.Net;
using System.Net.Sockets;

namespace SyncLog.Cli.Tests;

/// <summary>
/// A loopback port bound but not listening until disposed: a connection to it is refused, and no serve (which asks the
/// OS for a free port) can be given it meanwhile, as it could be one picked and released.
/// </summary>
public sealed class UnusedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public UnusedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>The address of a synclog gateway at this port, where nothing answers.</summary>
    public string Gateway => $"akka.tcp://synclog@127.0.0.1:{Port}/user/synclog-gateway";

    public void Dispose() => _socket.Dispose();
}
