import API
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Prometheus
import Storage

/// `editbay serve`: HTTP and WebSocket server, with the embedded PostgreSQL unless `DATABASE_URL` is set.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the EditBay server (the default command).")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.configuration()
        let collab = try options.collabConfiguration()
        let jobSettings: JobSettings
        do {
            jobSettings = try JobSettings(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
        let logger = bootstrapLogging(level: configuration.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        try prepareDataDirectory(configuration)
        let secret = try jwtSecret(configuration, logger: logger)

        try await withDatabase(configuration, logger: logger) { databaseConfiguration in
            let client = PostgresClient(configuration: databaseConfiguration.clientConfiguration, backgroundLogger: logger)
            let database = Database(client: client, configuration: databaseConfiguration, logger: logger)
            let dataDirectory = configuration.absoluteDataDirectory
            let usesEmbedded = configuration.databaseURL == nil
            var dependencies = ApplicationDependencies(
                    configuration: configuration,
                    database: database,
                    jwtSecret: secret,
                    metrics: registry,
                    logger: logger,
                    onServerRunning: { address in
                        let port = address?.port ?? configuration.port
                        let database = usesEmbedded ? " (embedded PostgreSQL in \(dataDirectory)/pg)" : ""
                        let banner = "EditBay is listening on http://\(configuration.host):\(port)\nData directory: \(dataDirectory)\(database)\n"
                        FileHandle.standardOutput.write(Data(banner.utf8))
                    }
                )
            dependencies.collab = collab
            dependencies.jobs = jobSettings
            let app = try await buildApplication(dependencies)
            try await app.runService()
        }
        logger.info("editbay stopped")
    }
}

/// `editbay migrate`: apply pending migrations and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.configuration()
        let logger = bootstrapLogging(level: configuration.logLevel)
        try prepareDataDirectory(configuration)
        let applied = try await withDatabase(configuration, logger: logger) { databaseConfiguration in
            try await withPostgresClient(databaseConfiguration, logger: logger) { client in
                try await Migrator(client: client, logger: logger).migrate()
            }
        }
        print(applied.isEmpty ? "The database is up to date." : "Applied migrations: \(applied.map(String.init).joined(separator: ", "))")
    }
}
