import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway `redis-server` for one test: no persistence, listening only on a Unix socket in a temporary
/// directory (`--port 0` turns TCP off), removed afterwards. `stop()` and `start()` let a test take Redis away
/// and bring it back on the same socket.
public final class TestRedis: @unchecked Sendable {  // `process` is only replaced under `lock`.
    public let directory: String
    public let socketPath: String
    private let password: String?
    private let lock = NSLock()
    private var process: Process?

    /// The server's URL: `unix:///…/redis.sock` (with `?password=` when one is set).
    public var url: String { "unix://\(socketPath)" + (password.map { "?password=\($0)" } ?? "") }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Starts a server; `password` turns on `requirepass`.
    public init(password: String? = nil) throws {
        directory = NSTemporaryDirectory() + "editbay-redis-\(UUID().uuidString.prefix(8))"
        socketPath = directory + "/redis.sock"
        self.password = password
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try start()
    }

    deinit {
        process?.terminate()
        process?.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `body` with a fresh server, removed afterwards whatever happens.
    public static func with<Result: Sendable>(password: String? = nil, _ body: @Sendable (TestRedis) async throws -> Result) async throws -> Result {
        let redis = try TestRedis(password: password)
        defer { redis.remove() }
        return try await body(redis)
    }

    /// Starts the server (again) and waits until its socket accepts connections.
    public func start() throws {
        let executable = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else { throw Failure(description: "redis-server is not installed (apt-get install redis-server; `make test` does)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        var arguments = [
            "--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--dir", directory, "--daemonize", "no", "--loglevel", "warning",
        ]
        if let password { arguments += ["--requirepass", password] }
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { self.process = process }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(socketPath) { return }
            guard process.isRunning else { throw Failure(description: "redis-server exited at start (status \(process.terminationStatus))") }
            usleep(20_000)
        }
        throw Failure(description: "redis-server did not open \(socketPath) in time")
    }

    /// Stops the server (its clients see the connection drop) and waits until it is gone.
    public func stop() {
        let process = lock.withLock { () -> Process? in
            defer { self.process = nil }
            return self.process
        }
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: socketPath)
    }

    /// Stops the server and removes its directory.
    public func remove() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func accepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0 }
        }
    }
}
