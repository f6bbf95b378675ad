import API
import Foundation
import Logging
import PostgresNIO
import Storage

/// Runs `body` with a database: the external one of `DATABASE_URL`, or the embedded PostgreSQL, which is
/// started first and stopped after `body` returns or throws.
func withDatabase<Result>(
    _ configuration: ServerConfiguration,
    logger: Logger,
    _ body: (DatabaseConfiguration) async throws -> Result
) async throws -> Result {
    if let url = configuration.databaseURL {
        return try await body(try DatabaseConfiguration(url: url))
    }
    let embedded = try EmbeddedPostgres(directory: "\(configuration.absoluteDataDirectory)/pg", logger: logger)
    try await embedded.start()
    do {
        let result = try await body(embedded.databaseConfiguration)
        try await embedded.stop()
        return result
    } catch {
        do { try await embedded.stop() } catch { logger.error("could not stop the embedded PostgreSQL: \(error)") }
        throw error
    }
}

/// Creates the data directory if needed: private to its owner, except that when EditBay runs as root
/// the embedded PostgreSQL's unprivileged user may pass through it (mode 0711: it cannot list it) to
/// reach its own `pg` folder.
func prepareDataDirectory(_ configuration: ServerConfiguration) throws {
    let path = configuration.absoluteDataDirectory
    let mode: Int = getuid() == 0 && configuration.databaseURL == nil ? 0o711 : 0o700
    if !FileManager.default.fileExists(atPath: path) {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
    } else if mode == 0o711 {
        let current = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0o700
        if current & 0o001 == 0 { try FileManager.default.setAttributes([.posixPermissions: current | 0o011], ofItemAtPath: path) }
    }
}

/// The JWT secret: the configured one, or the one kept in `DATA_DIR/jwt-secret`, generated on first run.
func jwtSecret(_ configuration: ServerConfiguration, logger: Logger) throws -> String {
    if let secret = configuration.jwtSecret { return secret }
    let path = "\(configuration.absoluteDataDirectory)/jwt-secret"
    if let stored = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), stored.utf8.count >= 32 {
        return stored
    }
    var generator = SystemRandomNumberGenerator()
    let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    guard FileManager.default.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
        throw StorageError(.embeddedPostgres, "cannot write the generated JWT secret to \(path)")
    }
    logger.notice("generated a JWT secret", metadata: ["path": "\(path)"])
    return secret
}

/// Runs `body` with a running `PostgresClient` (for commands without the HTTP application).
func withPostgresClient<Result: Sendable>(
    _ configuration: DatabaseConfiguration,
    logger: Logger,
    _ body: @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}
