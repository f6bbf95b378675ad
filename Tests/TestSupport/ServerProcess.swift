import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The built `editbay` binary, run as a child process the way a user runs it.
public final class ServerProcess: @unchecked Sendable {  // Mutable state is only touched under `lock`.
    public let process = Process()
    private let lock = NSLock()
    private var output = ""
    private let pipe = Pipe()

    /// The binary next to the test bundle (`swift build` puts both in the same directory), or `EDITBAY_BINARY`.
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["EDITBAY_BINARY"] { return path }
        let directory = Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidate = directory
        // Inside an .xctest bundle on some layouts the binary sits one or more levels up.
        for _ in 0..<4 {
            let path = candidate.appendingPathComponent("editbay").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
            candidate = candidate.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("editbay").path
    }

    public init(arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = pipe
        process.standardError = pipe
        pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.withLock { self.output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    public var log: String { lock.withLock { output } }

    /// Waits until the server prints its URL; returns the port.
    public func waitForPort(timeout: Duration = .seconds(120)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let range = log.range(of: #"listening on http://[^:]+:(\d+)"#, options: .regularExpression) {
                let line = String(log[range])
                if let port = line.split(separator: ":").last.flatMap({ Int($0) }) { return port }
            }
            guard process.isRunning else { throw Failure("the server exited early (status \(process.terminationStatus)):\n\(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure("the server did not start in time:\n\(log)")
    }

    /// Waits for the process to exit by itself; returns the exit status.
    public func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while isAlive {
            guard ContinuousClock.now < deadline else { throw Failure("the command did not finish in time:\n\(log)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(100))  // let the output handler drain the pipe
        return try await exitStatus()
    }

    /// Kills the process with SIGKILL (a crash) and waits until it is gone.
    public func kill() async throws {
        Glibc.kill(process.processIdentifier, SIGKILL)
        while isAlive { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// Whether the process still runs. Read from /proc (a zombie counts as gone): Foundation's
    /// `isRunning` was seen to miss the exit of a killed child.
    public var isAlive: Bool {
        guard process.isRunning else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// Sends SIGTERM and waits for a clean exit; returns the exit status.
    public func terminate(timeout: Duration = .seconds(60)) async throws -> Int32 {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while isAlive {
            guard ContinuousClock.now < deadline else {
                Glibc.kill(process.processIdentifier, SIGKILL)
                throw Failure("the server did not stop in time:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await exitStatus()
    }

    /// The exit status once the process is gone, from Foundation or, when it missed the exit, from waitpid.
    private func exitStatus() async throws -> Int32 {
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        if !process.isRunning { return process.terminationStatus }
        var status: Int32 = 0
        guard waitpid(process.processIdentifier, &status, WNOHANG) > 0 else { return -1 }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }
}
