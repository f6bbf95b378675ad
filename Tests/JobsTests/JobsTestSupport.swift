import Foundation
import Jobs
import Logging
import PostgresNIO
import ServiceLifecycle
import Storage
import Synchronization
import TestSupport
import Testing
import Timeline

/// A fresh migrated database with a client of its own (more connections than TestSupport's: every pool
/// holds one for LISTEN).
func withJobsDatabase(_ body: @Sendable (Database) async throws -> Void) async throws {
    try await TestDatabase.withFreshDatabase { _, fresh in
        var larger = fresh
        larger.maximumConnections = 24
        let configuration = larger
        try await TestDatabase.withClient(configuration) { client in
            try await body(Database(client: client, configuration: configuration, logger: TestDatabase.logger))
        }
    }
}

/// A project and a user to own jobs.
func makeProject(_ database: Database) async throws -> (project: UUID, user: UUID) {
    let user = try await database.users.create(email: "\(UUID())@example.com", displayName: "Ann", passwordHash: "x")
    let project = try await database.projects.create(name: "P", settings: ProjectSettings(), ownerID: user.id)
    return (project.id, user.id)
}

/// A handler made of a closure.
struct TestHandler: JobHandler {
    let kind: String
    var timeout: Duration = .seconds(600)
    var maxConcurrency: Int? = nil
    let body: @Sendable (JobContext) async throws -> JSONValue

    init(_ kind: String, timeout: Duration = .seconds(600), maxConcurrency: Int? = nil,
         _ body: @escaping @Sendable (JobContext) async throws -> JSONValue) {
        self.kind = kind
        self.timeout = timeout
        self.maxConcurrency = maxConcurrency
        self.body = body
    }

    func run(_ context: JobContext) async throws -> JSONValue { try await body(context) }
}

/// Thread-safe counters and records for handlers.
final class Tally: Sendable {
    private let state = Mutex<(counts: [UUID: Int], running: Int, maxRunning: Int, flags: Set<String>)>(([:], 0, 0, []))

    func count(_ id: UUID) { state.withLock { $0.counts[id, default: 0] += 1 } }
    var counts: [UUID: Int] { state.withLock { $0.counts } }
    func enter() { state.withLock { $0.running += 1; $0.maxRunning = max($0.maxRunning, $0.running) } }
    func leave() { state.withLock { $0.running -= 1 } }
    var maxRunning: Int { state.withLock { $0.maxRunning } }
    func set(_ flag: String) { _ = state.withLock { $0.flags.insert(flag) } }
    func has(_ flag: String) -> Bool { state.withLock { $0.flags.contains(flag) } }
}

/// Records the events of a pool.
final class EventLog: Sendable {
    private let events = Mutex<[JobWorkerEvent]>([])
    func record(_ event: JobWorkerEvent) { events.withLock { $0.append(event) } }
    var all: [JobWorkerEvent] { events.withLock { $0 } }
}

/// A landing that counts how often each job's output was applied.
struct CountingLanding: JobLanding {
    let tally: Tally
    func apply(_ landing: PendingLanding) async throws -> LandingOutcome {
        tally.count(landing.jobID)
        return LandingOutcome(status: .applied, detail: .object(["operations": .integer(Int64(landing.request.operations.count))]))
    }
}

/// Settings fast enough for tests.
func testConfiguration(
    concurrency: Int = 2, poll: Duration = .milliseconds(200), heartbeat: Duration = .milliseconds(100),
    lease: Duration = .seconds(1), events: EventLog? = nil
) -> JobWorkerConfiguration {
    var onEvent: (@Sendable (JobWorkerEvent) -> Void)?
    if let events { onEvent = { events.record($0) } }
    return JobWorkerConfiguration(
        workerID: "test-\(UUID().uuidString.prefix(8))", concurrency: concurrency, pollInterval: poll,
        heartbeatInterval: heartbeat, lease: lease, retryBaseDelay: .milliseconds(10), retryMaxDelay: .milliseconds(50),
        landingPollInterval: .milliseconds(20), onEvent: onEvent
    )
}

func makePool(_ database: Database, _ handlers: [any JobHandler], landing: (any JobLanding)? = nil,
              _ configuration: JobWorkerConfiguration = testConfiguration()) -> JobWorkerPool {
    JobWorkerPool(database: database, handlers: handlers, landing: landing, configuration: configuration, logger: TestDatabase.logger)
}

/// Runs services while `body` runs, then shuts them down gracefully.
func withServices(_ services: [any Service], _ body: @Sendable () async throws -> Void) async throws {
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: TestDatabase.logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// Runs a service while `body` runs, then cancels it (like a process that dies: it records nothing more).
func withCrashingService(_ service: any Service, _ body: @Sendable () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try? await service.run() }
        defer { tasks.cancelAll() }
        try await body()
    }
}

struct Timeout: Error, CustomStringConvertible {
    let description: String
}

/// Waits until `condition` holds (a bound against hanging, not a timing assertion).
func eventually(_ what: String, limit: Duration = .seconds(30), _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while !(try await condition()) {
        guard ContinuousClock.now < deadline else { throw Timeout(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Waits until the job reaches a finished status and returns it.
func finished(_ queue: JobQueue, _ id: UUID, limit: Duration = .seconds(30)) async throws -> JobSnapshot {
    try await eventually("job \(id) to finish", limit: limit) { try await queue.get(id)?.status.isFinished == true }
    return try #require(try await queue.get(id))
}

/// Expects the job to finish with `status`.
func expectStatus(_ queue: JobQueue, _ id: UUID, _ status: JobStatus, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let job = try await finished(queue, id)
    #expect(job.status == status, sourceLocation: sourceLocation)
}
