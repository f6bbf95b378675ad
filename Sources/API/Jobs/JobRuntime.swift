import AsyncHTTPClient
import CollabServer
import Foundation
import JobKinds
import Jobs
import Logging
import Providers
import ServiceLifecycle
import Storage

/// How `editbay serve` runs jobs: its workers, the generation providers and which one each kind uses.
public struct JobSettings: Sendable {
    /// In-process workers (`EDITBAY_JOB_WORKERS` etc.; 0 workers leaves jobs to `editbay worker` processes).
    public var workers: JobWorkerConfiguration
    /// The HTTP providers that are configured (`EDITBAY_REPLICATE_*`, `EDITBAY_OPENAI_*`); none by default.
    public var providers: ProviderConfiguration
    /// The provider each kind uses when a job names none (`EDITBAY_PROVIDER_VIDEO|IMAGE|SPEECH|SCRIPT`);
    /// the local ones by default.
    public var defaultProviders: [GenerationKind: String]

    public init(workers: JobWorkerConfiguration = JobWorkerConfiguration(workerID: JobWorkerConfiguration.defaultWorkerID()), providers: ProviderConfiguration = ProviderConfiguration(), defaultProviders: [GenerationKind: String] = [:]) {
        self.workers = workers
        self.providers = providers
        self.defaultProviders = defaultProviders
    }

    /// Reads every setting from the environment.
    public init(environment: [String: String]) throws {
        self.init(
            workers: try JobWorkerConfiguration(environment: environment),
            providers: try ProviderConfiguration.fromEnvironment(environment),
            defaultProviders: Dictionary(
                uniqueKeysWithValues: GenerationKind.allCases.compactMap { kind in
                    environment["EDITBAY_PROVIDER_\(kind.rawValue.uppercased())"].flatMap { $0.isEmpty ? nil : (kind, $0) }
                }
            )
        )
    }
}

/// The job system of one process: the queue users drive, the job kinds with their providers, and how
/// outputs land in rooms.
public struct JobRuntime: Sendable {
    public let queue: JobQueue
    public let kinds: JobKindEnvironment
    let landing: RoomLanding
    let placeholders: JobPlaceholders
    let webhooks: ReplicateWebhookReceiver?

    /// - Parameter scratchDirectory: where jobs keep working files (under the data directory).
    public init(settings: JobSettings, database: Database, registry: RoomRegistry, blobs: BlobStore, scratchDirectory: String, logger: Logger) {
        let providers = ProviderRegistry(configuration: settings.providers, client: HTTPClient.shared)
        kinds = JobKindEnvironment(
            database: database, blobs: blobs, timelines: RoomTimelines(registry: registry, database: database),
            providers: providers.providers, defaultProviders: settings.defaultProviders, scratchDirectory: scratchDirectory, logger: logger
        )
        queue = JobQueue(database: database, kinds: kinds.kinds)
        landing = RoomLanding(registry: registry, database: database, logger: logger)
        placeholders = JobPlaceholders(registry: registry, database: database, logger: logger)
        webhooks = providers.replicateWebhooks
    }

    /// The services that run jobs in this process: the workers (landing in this node's rooms), the applier of
    /// landings left by `editbay worker` processes, and the relay of job progress to open editors.
    func services(settings: JobSettings, database: Database, registry: RoomRegistry, logger: Logger) -> [any Service] {
        var services: [any Service] = [
            JobEventRelay(database: database, observer: JobProgressRelay(registry: registry, placeholders: placeholders), logger: logger),
            LandingApplier(database: database, landing: landing, configuration: settings.workers, logger: logger),
        ]
        if settings.workers.concurrency > 0 {
            services.append(JobWorkerPool(database: database, handlers: kinds.handlers, landing: landing, configuration: settings.workers, logger: logger))
        }
        return services.map { AfterMigrations($0, client: database.client, logger: logger) }
    }
}
