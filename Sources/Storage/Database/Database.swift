import Logging
import Synchronization
import NIOPosix
import PostgresNIO

/// The handle every repository works through: a running `PostgresClient`, the server it connects to, and a
/// logger.
///
/// The client must be running (it is a `Service` in the application's `ServiceGroup`).
public struct Database: Sendable {
    public let client: PostgresClient
    /// The server the client's pool connects to (for connections of their own, see ``connect()``).
    public let configuration: DatabaseConfiguration
    public let logger: Logger

    public init(client: PostgresClient, configuration: DatabaseConfiguration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens a connection outside the pool, for a caller that keeps one busy on its own (the update log's
    /// group commit). The caller closes it.
    public func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.next(),
            configuration: configuration.connectionConfiguration(),
            id: Self.nextConnectionID.wrappingAdd(1, ordering: .relaxed).oldValue,
            logger: logger
        )
    }

    private static let nextConnectionID = Atomic<Int>(1 << 20)

    public var users: UserRepository { UserRepository(database: self) }
    public var refreshTokens: RefreshTokenRepository { RefreshTokenRepository(database: self) }
    public var projects: ProjectRepository { ProjectRepository(database: self) }
    public var members: MemberRepository { MemberRepository(database: self) }
    public var documents: DocumentRepository { DocumentRepository(database: self) }
    public var versions: VersionRepository { VersionRepository(database: self) }
    public var assets: AssetRepository { AssetRepository(database: self) }

    /// Runs `body` in a transaction; the error the body threw is rethrown as is (not wrapped).
    func transaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        try await client.transaction(logger: logger, body)
    }

    /// Checks that the database answers (`GET /health`).
    public func ping() async throws {
        try await client.query("SELECT 1", logger: logger)
    }
}

extension PostgresClient {
    /// `withTransaction`, rethrowing the body's own error instead of a `PostgresTransactionError` wrapping it.
    func transaction<Result: Sendable>(
        logger: Logger,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> Result {
        do {
            return try await withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }
}

extension PSQLError {
    /// Whether the server refused a row because of a unique constraint (SQLSTATE 23505).
    var isUniqueViolation: Bool { code == .server && serverInfo?[.sqlState] == "23505" }
}

extension AsyncSequence {
    /// Reads the whole sequence (queries here return few rows); never leaves a result half-read.
    func all() async throws -> [Element] {
        var elements: [Element] = []
        for try await element in self { elements.append(element) }
        return elements
    }
}
