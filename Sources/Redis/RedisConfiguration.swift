import Foundation

/// Where a Redis server is and how to sign in: parsed from a `REDIS_URL`.
///
/// Accepted forms:
/// - `redis://[[user]:password@]host[:port][/db]` (port 6379 and database 0 by default);
/// - `unix:///path/to/redis.sock[?db=N&password=P]` for a Unix socket.
public struct RedisConfiguration: Sendable, Equatable {
    /// How to reach the server.
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unixSocket(path: String)
    }

    public var endpoint: Endpoint
    /// `AUTH` user (Redis 6 ACLs); nil signs in as the default user.
    public var username: String?
    /// `AUTH` password; nil when the server needs none.
    public var password: String?
    /// The database `SELECT`ed after connecting (pub/sub ignores it, other commands do not).
    public var database: Int
    /// How long connecting may take.
    public var connectTimeout: Duration = .seconds(2)
    /// Waits between reconnection attempts: from `minimumBackoff`, doubling up to `maximumBackoff`.
    public var minimumBackoff: Duration = .milliseconds(100)
    public var maximumBackoff: Duration = .seconds(2)

    public init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `unix://` URL.
    /// - Throws: ``RedisError`` `INVALID_URL`, naming what is wrong (never the password).
    public init(url: String) throws(RedisError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw RedisError(.invalidURL, "not a URL: expected redis://[:password@]host:port[/db] or unix:///path")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        switch scheme {
        case "redis":
            guard let host = components.host, !host.isEmpty else { throw RedisError(.invalidURL, "the URL names no host") }
            let port = components.port ?? 6379
            guard (1...65535).contains(port) else { throw RedisError(.invalidURL, "the port must be 1–65535") }
            let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            var database = 0
            if !path.isEmpty {
                guard let number = Int(path), number >= 0 else { throw RedisError(.invalidURL, "the path must be a database number (/0, /1, …)") }
                database = number
            }
            self.init(endpoint: .tcp(host: host, port: port), database: database)
        case "unix":
            guard !components.path.isEmpty else { throw RedisError(.invalidURL, "the URL names no socket path") }
            var database = 0
            if let db = query["db"] {
                guard let number = Int(db), number >= 0 else { throw RedisError(.invalidURL, "db must be a database number") }
                database = number
            }
            self.init(endpoint: .unixSocket(path: components.path), database: database)
        default:
            throw RedisError(.invalidURL, "unsupported scheme \(scheme): expected redis:// or unix://")
        }
        let user = components.user.flatMap { $0.removingPercentEncoding ?? $0 }
        username = (user?.isEmpty ?? true) ? nil : user
        password = components.password.flatMap { $0.removingPercentEncoding ?? $0 } ?? query["password"]
        if password?.isEmpty == true { password = nil }
    }

    /// The endpoint for logs (no credentials).
    public var displayName: String {
        switch endpoint {
        case .tcp(let host, let port): "redis://\(host):\(port)/\(database)"
        case .unixSocket(let path): "unix://\(path)"
        }
    }
}
