import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Storage
import CollabServer
import Redis

/// What the HTTP application needs from the outside: the database, its configuration and its metrics.
public struct ApplicationDependencies: Sendable {
    public var configuration: ServerConfiguration
    /// The running database (its `PostgresClient` is added to the application's services).
    public var database: Database
    /// The JWT secret to sign access tokens with (at least 32 bytes).
    public var jwtSecret: String
    /// The registry `GET /metrics` renders.
    public var metrics: PrometheusCollectorRegistry
    public var logger: Logger
    /// Tunables of the collaboration server.
    public var collab: CollabConfiguration = CollabConfiguration()
    /// Workers and providers of the job system.
    public var jobs: JobSettings = JobSettings()
    /// Called once the server listens, with the bound address.
    public var onServerRunning: @Sendable (SocketAddress?) async -> Void

    public init(
        configuration: ServerConfiguration,
        database: Database,
        jwtSecret: String,
        metrics: PrometheusCollectorRegistry,
        logger: Logger,
        onServerRunning: @escaping @Sendable (SocketAddress?) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.database = database
        self.jwtSecret = jwtSecret
        self.metrics = metrics
        self.logger = logger
        self.onServerRunning = onServerRunning
    }
}

/// Builds the EditBay HTTP application: routes, middleware, and the database client as a service.
/// Migrations run before the server binds its port.
public func buildApplication(_ dependencies: ApplicationDependencies) async throws -> some ApplicationProtocol {
    let configuration = dependencies.configuration
    let database = dependencies.database
    let tokens = await TokenService(
        secret: dependencies.jwtSecret,
        accessTokenLifetime: configuration.accessTokenLifetime,
        refreshTokenLifetime: configuration.refreshTokenLifetime
    )
    // Several nodes: rooms relay through Redis when REDIS_URL is set (validated with the configuration).
    let relay = try configuration.redisURL.map { RedisRoomRelay(configuration: try RedisConfiguration(url: $0), logger: dependencies.logger) }
    let registry = RoomRegistry(database: database, configuration: dependencies.collab, relay: relay, logger: dependencies.logger)
    let blobs = try BlobStore(root: configuration.absoluteBlobDirectory)
    let jobs = JobRuntime(
        settings: dependencies.jobs, database: database, registry: registry, blobs: blobs,
        scratchDirectory: blobs.root + "/tmp", logger: dependencies.logger
    )
    let router = buildRouter(
        database: database,
        tokens: tokens,
        configuration: configuration,
        metrics: dependencies.metrics,
        registry: registry,
        collab: dependencies.collab,
        blobs: blobs,
        jobs: jobs
    )
    var app = Application(
        router: router,
        server: collabServer(database: database, tokens: tokens, registry: registry, collab: dependencies.collab),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "EditBay"
        ),
        // Shut down in reverse: the server drains first, then the job workers stop (running jobs go back to
        // the queue), then the rooms checkpoint, then the relay to other nodes stops, then the pool closes.
        services: [database.client] + (relay.map { [$0] } ?? []) + [registry] + jobs.services(settings: dependencies.jobs, database: database, registry: registry, logger: dependencies.logger),
        onServerRunning: { channel in await dependencies.onServerRunning(channel.localAddress) },
        logger: dependencies.logger
    )
    app.beforeServerStarts {
        try await Migrator(client: database.client, logger: dependencies.logger).migrate()
    }
    return app
}

/// The router with every route and middleware; separate from the application so tests can inspect it.
func buildRouter(
    database: Database,
    tokens: TokenService,
    configuration: ServerConfiguration,
    metrics: PrometheusCollectorRegistry,
    registry: RoomRegistry,
    collab: CollabConfiguration,
    blobs: BlobStore,
    jobs: JobRuntime
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.addMiddleware {
        RequestIDMiddleware()
        LogRequestsMiddleware(.info)
        MetricsMiddleware()
        CORSPolicyMiddleware(origins: configuration.corsOrigins)
        ErrorEnvelopeMiddleware()
    }
    router.get("health") { _, context -> Response in
        do {
            try await database.ping()
            return try JSONCoding.response(["status": "ok", "database": "ok"])
        } catch {
            context.logger.error("health check: database unreachable", metadata: ["error": "\(String(reflecting: error))"])
            var response = try JSONCoding.response(["status": "error", "database": "unreachable"])
            response.status = .serviceUnavailable
            return response
        }
    }
    router.get("metrics") { _, _ -> Response in
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.emitToString()))
        )
    }

    let api = router.group("api")
    let authenticated = api.group().add(middleware: AuthMiddleware(tokens: tokens))
    let auth = AuthController(
        database: database,
        tokens: tokens,
        passwords: PasswordHasher(cost: configuration.bcryptCost),
        rateLimiter: LoginRateLimiter(
            perEmail: configuration.loginAttemptsPerEmail,
            perIP: configuration.loginAttemptsPerIP,
            window: TimeInterval(configuration.loginWindow)
        )
    )
    auth.addRoutes(to: api.group("auth"), authenticated: authenticated.group("auth"))
    let projectsGroup = authenticated.group("projects")
    let projects = ProjectController(database: database, registry: registry)
    projects.addRoutes(to: projectsGroup)
    MemberController(database: database, projects: projects, registry: registry).addRoutes(to: projectsGroup)
    CollabController(database: database, registry: registry, projects: projects, configuration: collab).addRoutes(to: projectsGroup)
    AssetController(database: database, blobs: blobs, registry: registry, projects: projects, maximumUploadSize: configuration.maximumUploadBytes)
        .addRoutes(projects: projectsGroup, assets: authenticated.group("assets"))
    JobController(database: database, queue: jobs.queue, kinds: jobs.kinds, registry: registry, projects: projects, placeholders: jobs.placeholders)
        .addRoutes(projects: projectsGroup, jobs: authenticated.group("jobs"), ai: authenticated.group("ai"))
    if let receiver = jobs.webhooks { WebhookController(receiver: receiver).addRoutes(to: api.group("webhooks")) }
    return router
}

/// HTTP/1.1 through the router's responder, plus the collaboration WebSocket upgrades (``CollabChannel``). A
/// refused upgrade goes on as plain HTTP: the route of the same path answers with the error envelope.
func collabServer(database: Database, tokens: TokenService, registry: RoomRegistry, collab: CollabConfiguration) -> HTTPServerBuilder {
    let gate = SocketGate(tokens: tokens, database: database)
    let sockets = RoomSockets(registry: registry, configuration: collab)
    return HTTPServerBuilder { responder in CollabChannel(responder: responder, gate: gate, sockets: sockets) }
}
