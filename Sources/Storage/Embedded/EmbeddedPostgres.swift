import Foundation
import Logging

/// A PostgreSQL server that EditBay runs itself when no `DATABASE_URL` is configured.
///
/// It uses the system's `initdb`, `pg_ctl` and `postgres` binaries (Debian's `postgresql` package).
/// The cluster lives in `directory` (by default `./.editbay/pg`): created on first start and reused
/// after. The server listens only on a Unix socket (no TCP port); local connections are trusted, and
/// the socket is readable only by the user that owns the cluster (and root).
///
/// PostgreSQL refuses to run as root, so when EditBay runs as root the cluster is owned by and run as
/// `systemUser` (default `postgres`) through `runuser`. `pg_ctl` detaches the server into its own
/// session, so a Ctrl-C in the terminal reaches EditBay, which then shuts the database down cleanly
/// after the last request. A server left running by a killed EditBay is adopted; a stale
/// `postmaster.pid` (the server died too) is removed before starting.
public struct EmbeddedPostgres: Sendable {
    /// The database role created by `initdb` and used by EditBay.
    public static let superuser = "editbay"
    /// The database EditBay's tables live in.
    public static let databaseName = "editbay"
    static let port = 5432

    public let directory: String
    public let systemUser: String?
    let binaries: String
    let logger: Logger
    private let runner = ProcessRunner()

    /// - Parameters:
    ///   - directory: the cluster directory (absolute or relative to the working directory).
    ///   - systemUser: the unprivileged account to run PostgreSQL as when EditBay runs as root.
    public init(directory: String, systemUser: String = "postgres", logger: Logger) throws(StorageError) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.systemUser = getuid() == 0 ? systemUser : nil
        guard let binaries = Self.locateBinaries() else {
            throw StorageError(
                .embeddedPostgres,
                "PostgreSQL's initdb and pg_ctl were not found (install Debian's `postgresql` package, or set DATABASE_URL)"
            )
        }
        self.binaries = binaries
        self.logger = logger
        guard !self.directory.contains("'") else {
            throw StorageError(.embeddedPostgres, "the data directory path must not contain a single quote: \(self.directory)")
        }
    }

    /// The directory holding the server's Unix socket. It is the cluster directory unless that path is too
    /// long for a socket address (108 bytes on Linux), in which case a short directory under /tmp is used.
    public var socketDirectory: String {
        if directory.utf8.count + "/.s.PGSQL.\(Self.port)".utf8.count < 100 { return directory }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in directory.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "/tmp/editbay-pg-\(String(hash, radix: 16))"
    }

    /// How to reach the database once the server runs.
    public var databaseConfiguration: DatabaseConfiguration {
        DatabaseConfiguration(
            endpoint: .unixSocket(path: "\(socketDirectory)/.s.PGSQL.\(Self.port)"),
            username: Self.superuser,
            database: Self.databaseName
        )
    }

    /// Creates the cluster if needed and starts the server; returns when it accepts connections.
    public func start() async throws {
        try await prepareDirectories()
        if !FileManager.default.fileExists(atPath: "\(directory)/PG_VERSION") {
            try await initializeCluster()
        }
        if try await isRunning() {
            logger.notice("adopting the embedded PostgreSQL left running by a previous run", metadata: ["directory": "\(directory)"])
        } else {
            let pidFile = "\(directory)/postmaster.pid"
            if FileManager.default.fileExists(atPath: pidFile) {
                logger.notice("removing stale postmaster.pid left by a killed run", metadata: ["directory": "\(directory)"])
                try? FileManager.default.removeItem(atPath: pidFile)
            }
            let options = "-c listen_addresses='' -k '\(socketDirectory)' -p \(Self.port) -c unix_socket_permissions=0700"
            let result = try await pgctl(["start", "-D", directory, "-w", "-t", "60", "-l", "\(directory)/postgres.log", "-o", options])
            guard result.status == 0 else {
                throw StorageError(
                    .embeddedPostgres,
                    "pg_ctl start failed (status \(result.status)): \(result.output.trimmed); see \(directory)/postgres.log"
                )
            }
        }
        try await createDatabaseIfNeeded()
        logger.info("embedded PostgreSQL is running", metadata: ["directory": "\(directory)", "socket": "\(socketDirectory)"])
    }

    /// Stops the server (fast shutdown: open transactions are rolled back, committed data is safe).
    public func stop() async throws {
        guard try await isRunning() else { return }
        let result = try await pgctl(["stop", "-D", directory, "-m", "fast", "-w", "-t", "60"])
        guard result.status == 0 else {
            throw StorageError(.embeddedPostgres, "pg_ctl stop failed (status \(result.status)): \(result.output.trimmed)")
        }
        logger.info("embedded PostgreSQL stopped", metadata: ["directory": "\(directory)"])
    }

    /// Whether a server is running on this cluster (`pg_ctl status`).
    public func isRunning() async throws -> Bool {
        guard FileManager.default.fileExists(atPath: "\(directory)/PG_VERSION") else { return false }
        return try await pgctl(["status", "-D", directory]).status == 0
    }

    // MARK: - Steps

    private func prepareDirectories() async throws {
        let fileManager = FileManager.default
        if !fileManager.fileExists(atPath: directory) {
            do {
                // A parent made here must let the unprivileged server user through (0711) when running as root.
                let parent = URL(fileURLWithPath: directory).deletingLastPathComponent().path
                if systemUser != nil, !fileManager.fileExists(atPath: parent) {
                    try fileManager.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
                }
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StorageError(.embeddedPostgres, "cannot create \(directory): \(error.localizedDescription)")
            }
        }
        if socketDirectory != directory, !fileManager.fileExists(atPath: socketDirectory) {
            try? fileManager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        guard let systemUser else { return }
        for path in Set([directory, socketDirectory]) {
            let chown = try await runner.run("/bin/chown", [systemUser, path])
            guard chown.status == 0 else {
                throw StorageError(.embeddedPostgres, "cannot give \(path) to user \(systemUser): \(chown.output.trimmed)")
            }
        }
        let access = try await runner.run("/usr/bin/test", ["-w", directory], as: systemUser)
        guard access.status == 0 else {
            throw StorageError(
                .embeddedPostgres,
                """
                PostgreSQL runs as the unprivileged user '\(systemUser)' when editbay runs as root, and that user cannot \
                reach \(directory) (a parent directory is private). Choose a data directory it can reach with \
                --data-dir, run editbay as a normal user, or set DATABASE_URL.
                """
            )
        }
    }

    private func initializeCluster() async throws {
        logger.info("creating the embedded PostgreSQL cluster", metadata: ["directory": "\(directory)"])
        let result = try await runner.run(
            "\(binaries)/initdb",
            ["-D", directory, "-U", Self.superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"],
            as: systemUser,
            directory: directory
        )
        guard result.status == 0 else {
            throw StorageError(.embeddedPostgres, "initdb failed (status \(result.status)): \(result.output.trimmed)")
        }
    }

    private func createDatabaseIfNeeded() async throws {
        let marker = "\(directory)/editbay-database-created"
        if FileManager.default.fileExists(atPath: marker) { return }
        let result = try await runner.run(
            "\(binaries)/createdb",
            ["-h", socketDirectory, "-p", "\(Self.port)", "-U", Self.superuser, Self.databaseName],
            as: systemUser,
            directory: directory
        )
        guard result.status == 0 || result.output.contains("already exists") else {
            throw StorageError(.embeddedPostgres, "createdb failed (status \(result.status)): \(result.output.trimmed)")
        }
        _ = try await runner.run("/usr/bin/touch", [marker], as: systemUser, directory: directory)
    }

    private func pgctl(_ arguments: [String]) async throws -> ProcessRunner.Result {
        try await runner.run("\(binaries)/pg_ctl", arguments, as: systemUser, directory: directory)
    }

    /// The directory holding `initdb` and `pg_ctl`: PATH first, then Debian's versioned directories, newest first.
    static func locateBinaries() -> String? {
        if let pgctl = ProcessRunner.locate("pg_ctl") {
            let resolved = URL(fileURLWithPath: pgctl).resolvingSymlinksInPath().deletingLastPathComponent().path
            if FileManager.default.isExecutableFile(atPath: "\(resolved)/initdb") { return resolved }
        }
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let bin = "\(root)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: "\(bin)/pg_ctl") { return bin }
        }
        return nil
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
