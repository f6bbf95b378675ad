import API
import ArgumentParser
import CollabServer
import Foundation
import JobKinds
import Jobs
import Logging
import PostgresNIO
import ServiceLifecycle
import Storage
import UnixSignals

/// `editbay worker`: job workers only, for more machines (or more cores) sharing the server's database and
/// blob store. Jobs' outputs are landed by an `editbay serve` (its landing applier), which also relays their
/// progress to open editors.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run job workers only (render, AI generation) against the server's database.",
        discussion: """
            Uses DATABASE_URL, or else the embedded PostgreSQL of --data-dir when an `editbay serve` is running it. \
            The blob store (EDITBAY_BLOB_DIR or <data dir>/blobs) must be the server's: share the directory. \
            EDITBAY_JOB_WORKERS sets how many jobs run at once (default 4).
            """
    )

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.configuration()
        let logger = bootstrapLogging(level: configuration.logLevel)
        let settings = try JobSettings(environment: ProcessInfo.processInfo.environment)
        guard settings.workers.concurrency > 0 else { throw ValidationError("EDITBAY_JOB_WORKERS is 0: a worker with no slots has nothing to do") }
        let databaseConfiguration: DatabaseConfiguration
        if let url = configuration.databaseURL {
            databaseConfiguration = try DatabaseConfiguration(url: url)
        } else {
            let embedded = try EmbeddedPostgres(directory: "\(configuration.absoluteDataDirectory)/pg", logger: logger)
            guard try await embedded.isRunning() else {
                throw ValidationError("set DATABASE_URL, or start `editbay serve` first: the worker uses the database of \(configuration.absoluteDataDirectory) only while the server runs it")
            }
            databaseConfiguration = embedded.databaseConfiguration
        }
        let client = PostgresClient(configuration: databaseConfiguration.clientConfiguration, backgroundLogger: logger)
        let database = Database(client: client, configuration: databaseConfiguration, logger: logger)
        let blobs = try BlobStore(root: configuration.absoluteBlobDirectory)
        // A registry that never loads rooms: job kinds read the stored log through it.
        let registry = RoomRegistry(database: database, logger: logger)
        let runtime = JobRuntime(settings: settings, database: database, registry: registry, blobs: blobs, scratchDirectory: blobs.root + "/tmp", logger: logger)
        let pool = JobWorkerPool(database: database, handlers: runtime.kinds.handlers, landing: nil, configuration: settings.workers, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: client), .init(service: AfterMigrations(pool, client: client, logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        FileHandle.standardOutput.write(Data("EditBay worker \(settings.workers.workerID): \(settings.workers.concurrency) slots, kinds \(runtime.kinds.kinds.sorted().joined(separator: ", "))\n".utf8))
        try await group.run()
    }
}
