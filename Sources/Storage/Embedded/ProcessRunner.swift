import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a short-lived command to completion off the event loops and captures its output (the embedded
/// PostgreSQL's tools, espeak-ng for local speech).
///
/// It uses `posix_spawn` and a blocking `waitpid` on a thread of its own rather than Foundation's
/// `Process`, whose exit monitoring missed the exit of `runuser` when the command (`pg_ctl start`) left
/// a daemon behind. Output goes to a temporary file, not a pipe, for the same reason: the daemon
/// inherits descriptors and a pipe would never reach end-of-file.
public struct ProcessRunner: Sendable {
    /// How a command ended: its exit status (128+signal when killed) and its combined stdout and stderr.
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    public init() {}

    /// Runs `executable` with `arguments`; when `user` is set, through `runuser -u USER --`.
    public func run(_ executable: String, _ arguments: [String], as user: String? = nil, directory: String? = nil) async throws -> Result {
        var command = [executable] + arguments
        if let directory {
            // posix_spawn cannot change directory portably; GNU env's -C does (coreutils ≥ 8.28).
            command = ["/usr/bin/env", "-C", directory] + command
        }
        if let user {
            command = [Self.runuserPath, "-u", user, "--"] + command
        }
        let launch = command
        // A thread of its own: the wait can last seconds (initdb, espeak-ng), and holding one of NIO's
        // few blocking-pool threads that long would stall everything else that uses the pool (bcrypt,
        // file I/O of uploads).
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Swift.Result { try Self.spawnAndWait(launch) }) }
            thread.name = "editbay.command"
            thread.start()
        }
    }

    private static func spawnAndWait(_ command: [String]) throws -> Result {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("editbay-command-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw StorageError(.commandFailed, "cannot run \(command[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw StorageError(.commandFailed, "waitpid failed for \(command[0])") }
        }
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return Result(status: exitStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// The first of `names` found in `PATH` or in `extraDirectories`.
    public static func locate(_ name: String, extraDirectories: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + extraDirectories
        for directory in directories {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static var runuserPath: String {
        locate("runuser", extraDirectories: ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]) ?? "/usr/sbin/runuser"
    }
}
