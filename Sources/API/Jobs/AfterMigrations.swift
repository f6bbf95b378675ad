import Logging
import PostgresNIO
import ServiceLifecycle
import Storage

/// Runs a service once the database schema is current: job workers and relays start with the server, so
/// without this they would query tables a pending migration has not made yet. Migrating is idempotent and
/// serialised by an advisory lock, so every wrapped service may ask.
public struct AfterMigrations: Service {
    let client: PostgresClient
    let service: any Service
    let logger: Logger

    public init(_ service: any Service, client: PostgresClient, logger: Logger) {
        self.service = service
        self.client = client
        self.logger = logger
    }

    public func run() async throws {
        try await Migrator(client: client, logger: logger).migrate()
        try await service.run()
    }
}
