import Foundation
import PostgresNIO

/// Where the PostgreSQL server is and how to log in.
///
/// Built either from a `postgres://user:password@host:port/database?sslmode=…` URL
/// (`DATABASE_URL`) or from the Unix socket of the embedded server.
public struct DatabaseConfiguration: Sendable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool
    /// Upper bound of pooled connections.
    public var maximumConnections: Int

    public init(
        endpoint: Endpoint,
        username: String,
        password: String? = nil,
        database: String,
        requireTLS: Bool = false,
        maximumConnections: Int = 20
    ) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
        self.maximumConnections = maximumConnections
    }

    /// Parses a libpq-style URL: `postgres://user:pass@host:5432/db?sslmode=require`.
    ///
    /// A `host` query parameter that starts with `/` selects a Unix socket directory, as libpq does:
    /// `postgres://user@/db?host=/var/run/postgresql`.
    public init(url string: String) throws(StorageError) {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw StorageError(.invalidDatabaseURL, "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last }
        )
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !database.isEmpty else {
            throw StorageError(.invalidDatabaseURL, "DATABASE_URL has no database name (…/DATABASE)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StorageError(.invalidDatabaseURL, "DATABASE_URL has no user name (postgres://USER@…)")
        }
        let endpoint: Endpoint
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            endpoint = .unixSocket(path: "\(socketDirectory)/.s.PGSQL.\(port)")
        } else {
            guard let host = components.host, !host.isEmpty else {
                throw StorageError(.invalidDatabaseURL, "DATABASE_URL has no host")
            }
            endpoint = .tcp(host: host, port: components.port ?? 5432)
        }
        let sslMode = query["sslmode"] ?? "disable"
        self.init(
            endpoint: endpoint,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database,
            requireTLS: sslMode == "require" || sslMode == "verify-full" || sslMode == "verify-ca"
        )
    }

    /// The postgres-nio client configuration for this endpoint.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = PostgresClient.Configuration(
                host: host,
                port: port,
                username: username,
                password: password,
                database: database,
                tls: requireTLS ? .require(.makeClientConfiguration()) : .disable
            )
        case .unixSocket(let path):
            configuration = PostgresClient.Configuration(
                unixSocketPath: path,
                username: username,
                password: password,
                database: database
            )
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The postgres-nio configuration of one connection outside the pool, to the same server.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            configuration = PostgresConnection.Configuration(
                host: host,
                port: port,
                username: username,
                password: password,
                database: database,
                tls: requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
            )
        case .unixSocket(let path):
            configuration = PostgresConnection.Configuration(
                unixSocketPath: path,
                username: username,
                password: password,
                database: database
            )
        }
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The same server with another database name (used to create databases and in tests).
    public func with(database: String) -> DatabaseConfiguration {
        var copy = self
        copy.database = database
        return copy
    }
}
