import Foundation
import Logging
import PostgresNIO
import Storage

/// A database of its own for one test, on the throwaway PostgreSQL that `make test` starts.
///
/// The server comes from `EDITBAY_TEST_DATABASE_URL` (set by `scripts/with-test-postgres.sh`). Each call
/// creates a new, migrated database, runs the body with a running client, and drops the database.
public enum TestDatabase {
    public struct MissingServer: Error, CustomStringConvertible {
        public var description: String {
            "EDITBAY_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts a throwaway PostgreSQL"
        }
    }

    /// The throwaway server's configuration.
    public static func serverConfiguration() throws -> DatabaseConfiguration {
        guard let url = ProcessInfo.processInfo.environment["EDITBAY_TEST_DATABASE_URL"] else { throw MissingServer() }
        var configuration = try DatabaseConfiguration(url: url)
        configuration.maximumConnections = 4
        return configuration
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }()

    /// Runs `body` against a fresh database; `migrated: false` leaves it empty (for migration tests).
    public static func withFreshDatabase<Result: Sendable>(
        migrated: Bool = true,
        _ body: @Sendable (Database, DatabaseConfiguration) async throws -> Result
    ) async throws -> Result {
        let server = try serverConfiguration()
        let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await withClient(server) { admin in
            try await admin.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        }
        let configuration = server.with(database: name)
        do {
            let result = try await withClient(configuration) { client in
                let database = Database(client: client, configuration: configuration, logger: logger)
                if migrated { try await Migrator(client: client, logger: logger).migrate() }
                return try await body(database, configuration)
            }
            try await drop(name, server: server)
            return result
        } catch {
            try? await drop(name, server: server)
            throw error
        }
    }

    /// Runs `body` with a running client for `configuration`.
    public static func withClient<Result: Sendable>(
        _ configuration: DatabaseConfiguration,
        _ body: @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    private static func drop(_ name: String, server: DatabaseConfiguration) async throws {
        try await withClient(server) { admin in
            try await admin.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)", logger: logger)
        }
    }
}
