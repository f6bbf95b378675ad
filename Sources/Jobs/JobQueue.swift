import Foundation
import Storage
import Timeline

/// What to run: the body of `POST /api/projects/{id}/jobs` plus who and when.
public struct JobRequest: Sendable {
    public var kind: String
    public var params: JSONValue
    public var projectID: UUID?
    public var createdBy: UUID?
    /// Runs allowed before the job ends failed (at least 1).
    public var maxAttempts: Int
    /// Not before this time (nil: now).
    public var runAfter: Date?
    /// Overrides the handler's timeout.
    public var timeout: Duration?

    public init(
        kind: String, params: JSONValue = .object([:]), projectID: UUID?, createdBy: UUID?, maxAttempts: Int = 3,
        runAfter: Date? = nil, timeout: Duration? = nil
    ) {
        self.kind = kind
        self.params = params
        self.projectID = projectID
        self.createdBy = createdBy
        self.maxAttempts = maxAttempts
        self.runAfter = runAfter
        self.timeout = timeout
    }
}

/// Which jobs of a project to list.
public struct JobFilter: Sendable, Equatable {
    /// Only these statuses (nil: all).
    public var statuses: [JobStatus]?
    /// Only this kind (nil: all).
    public var kind: String?

    public init(statuses: [JobStatus]? = nil, kind: String? = nil) {
        self.statuses = statuses
        self.kind = kind
    }
}

/// The job queue as users drive it: create, read, cancel, retry. Workers run the jobs (``JobWorkerPool``).
public struct JobQueue: Sendable {
    let database: Database
    /// When set, ``enqueue(_:)`` refuses other kinds with `UNKNOWN_KIND`.
    public let kinds: Set<String>?
    /// Group commit of concurrent enqueues (shared by the copies of this queue).
    private let inserts: Batcher<NewJobRecord, Result<JobRecord, any Error>>

    /// - Parameter kinds: the kinds some worker can run (e.g. the registered handlers' kinds); nil accepts any.
    public init(database: Database, kinds: Set<String>? = nil) {
        self.database = database
        self.kinds = kinds
        let jobs = database.jobs
        inserts = Batcher(maxBatch: 64) { records in
            do {
                return try await jobs.enqueue(records).map { .success($0) }
            } catch where records.count > 1 {
                // One caller's bad row (e.g. a project deleted meanwhile) must not fail the others: alone, each
                // gets its own answer.
                var answers: [Result<JobRecord, any Error>] = []
                for record in records {
                    do { answers.append(.success(try await jobs.enqueue(record))) } catch { answers.append(.failure(error)) }
                }
                return answers
            }
        }
    }

    /// Adds a job; workers are woken at once (`NOTIFY` in the same statement). Concurrent calls are
    /// group-committed: one statement adds the jobs of all callers waiting at that moment.
    /// - Throws: ``JobError`` `UNKNOWN_KIND` or `INVALID_PARAMS` (bad `maxAttempts` or timeout).
    public func enqueue(_ request: JobRequest) async throws -> JobSnapshot {
        if let kinds, !kinds.contains(request.kind) {
            throw JobError(.unknownKind, "no worker runs jobs of kind '\(request.kind)'")
        }
        guard request.maxAttempts >= 1 else { throw JobError(.invalidParams, "maxAttempts must be at least 1") }
        if let timeout = request.timeout, timeout <= .zero { throw JobError(.invalidParams, "timeout must be positive") }
        let record = try await inserts.submit(
            NewJobRecord(
                kind: request.kind, params: try JSONText.encode(request.params), projectID: request.projectID,
                createdBy: request.createdBy, maxAttempts: request.maxAttempts, runAfter: request.runAfter,
                timeoutSeconds: request.timeout.map(\.seconds)
            )
        ).get()
        return JobSnapshot(record: record)
    }

    /// One job (nil when there is none).
    public func get(_ id: UUID) async throws -> JobSnapshot? {
        try await database.jobs.find(id: id).map(JobSnapshot.init(record:))
    }

    /// The jobs of a project, newest first, and how many match in all.
    public func list(projectID: UUID, filter: JobFilter = JobFilter(), limit: Int = 50, offset: Int = 0) async throws -> Page<JobSnapshot> {
        let page = try await database.jobs.list(
            projectID: projectID,
            statuses: filter.statuses?.compactMap { JobRecord.Status(rawValue: $0.rawValue) },
            kind: filter.kind,
            limit: max(0, limit),
            offset: max(0, offset)
        )
        return Page(items: page.items.map(JobSnapshot.init(record:)), total: page.total)
    }

    /// Cancels a job: a queued job becomes `cancelled` at once; a running job gets `cancelRequested` and its
    /// worker (told by `NOTIFY`) stops it and marks it `cancelled`, and nothing it would land lands.
    /// Cancelling a cancelled job, or one whose cancel is pending, returns it unchanged. Nil when there is
    /// no such job.
    /// - Throws: ``JobError`` `INVALID_STATE` when the job already succeeded or failed.
    public func cancel(_ id: UUID) async throws -> JobSnapshot? {
        let error = try JSONText.encode(JobError(.cancelled, "cancelled by a user").info)
        guard let record = try await database.jobs.cancel(id: id, error: error) else { return nil }
        let job = JobSnapshot(record: record)
        if job.status == .succeeded || job.status == .failed {
            throw JobError(.invalidState, "the job already \(job.status.rawValue)")
        }
        return job
    }

    /// Runs a failed or cancelled job again from scratch: back to `queued`, **attempts reset to 0** so it gets
    /// its full `maxAttempts` again; result, error, steps, progress and provider state are cleared. A landing
    /// that was applied stays applied (the job lands at most once: a second run gets the first outcome); one
    /// that was not is forgotten. Nil when there is no such job.
    /// - Throws: ``JobError`` `INVALID_STATE` when the job is queued, running or succeeded.
    public func retry(_ id: UUID) async throws -> JobSnapshot? {
        if let record = try await database.jobs.retry(id: id) { return JobSnapshot(record: record) }
        guard let job = try await get(id) else { return nil }
        throw JobError(.invalidState, "only failed or cancelled jobs can be retried; this one is \(job.status.rawValue)")
    }

    /// The recorded history of a job (status changes and steps), oldest first.
    public func events(_ id: UUID) async throws -> [JobEvent] {
        try await database.jobs.events(jobID: id).map {
            JobEvent(kind: $0.kind, data: JSONText.decode(JSONValue.self, $0.data) ?? .null, at: $0.createdAt)
        }
    }
}

/// One entry of a job's history.
public struct JobEvent: Sendable, Codable, Equatable {
    /// `queued`, `running`, `takeover`, `step`, `succeeded`, `failed`, `cancel_requested`, `cancelled`, `released`, `retried`.
    public var kind: String
    /// For a status change `{status, attempt}`; for a step `{name, status}`.
    public var data: JSONValue
    public var at: Date
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }

    /// A duration of `seconds` (negative and non-finite values become zero).
    static func seconds(fromDouble seconds: Double) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(seconds, 1e9) * 1e9))
    }
}
