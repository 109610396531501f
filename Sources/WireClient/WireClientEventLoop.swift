import NIOCore
import NIOPosix

/// One event-loop thread, for a client that holds one connection at a time (the agent's uplink).
///
/// `MultiThreadedEventLoopGroup.singleton`, `WireSession.connect`'s default, starts one thread per core: on a
/// GPU server with 128 cores that is 128 threads, each with its stack and possibly a malloc arena of its own,
/// to serve a single TCP connection that carries a batch every few seconds. Started on first use, never shut
/// down (like the singleton), so a reconnect never waits for a group to start.
public enum WireClientEventLoop {
    public static let single: any EventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}
