import Foundation

/// One row of `jobs`, as the job queue reads it. JSON columns are carried as JSON text: the `Jobs` module
/// owns their shapes.
public struct JobRecord: Sendable, Equatable {
    /// Where a job is in its life.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case queued, running, succeeded, failed, cancelled
    }

    public let id: UUID
    public let projectID: UUID?
    public let kind: String
    /// The job's parameters (JSON text).
    public let params: String
    public let status: Status
    /// The steps (JSON text: an array of `{name, status, startedAt, finishedAt}`).
    public let steps: String
    public let progress: Double
    public let attempts: Int
    public let maxAttempts: Int
    public let runAfter: Date
    public let heartbeatAt: Date?
    public let lockedBy: String?
    public let cancelRequested: Bool
    /// The result (JSON text) once succeeded.
    public let result: String?
    /// The last error (JSON text: `{code, message}`).
    public let error: String?
    /// The job's own timeout in seconds, overriding its handler's.
    public let timeoutSeconds: Double?
    public let createdBy: UUID?
    public let createdAt: Date
    public let updatedAt: Date
    public let startedAt: Date?
    public let finishedAt: Date?

    public init(
        id: UUID, projectID: UUID?, kind: String, params: String, status: Status, steps: String, progress: Double,
        attempts: Int, maxAttempts: Int, runAfter: Date, heartbeatAt: Date?, lockedBy: String?, cancelRequested: Bool,
        result: String?, error: String?, timeoutSeconds: Double?, createdBy: UUID?, createdAt: Date, updatedAt: Date,
        startedAt: Date?, finishedAt: Date?
    ) {
        self.id = id
        self.projectID = projectID
        self.kind = kind
        self.params = params
        self.status = status
        self.steps = steps
        self.progress = progress
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.runAfter = runAfter
        self.heartbeatAt = heartbeatAt
        self.lockedBy = lockedBy
        self.cancelRequested = cancelRequested
        self.result = result
        self.error = error
        self.timeoutSeconds = timeoutSeconds
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// What a new job is made of.
public struct NewJobRecord: Sendable {
    public var kind: String
    /// JSON text.
    public var params: String
    public var projectID: UUID?
    public var createdBy: UUID?
    public var maxAttempts: Int
    /// Not before this time (nil: now, by the database's clock).
    public var runAfter: Date?
    public var timeoutSeconds: Double?

    public init(
        kind: String, params: String, projectID: UUID?, createdBy: UUID?, maxAttempts: Int, runAfter: Date? = nil,
        timeoutSeconds: Double? = nil
    ) {
        self.kind = kind
        self.params = params
        self.projectID = projectID
        self.createdBy = createdBy
        self.maxAttempts = maxAttempts
        self.runAfter = runAfter
        self.timeoutSeconds = timeoutSeconds
    }
}

/// The right of one worker to write a running job: its id, the worker that claimed it and the attempt.
///
/// Every write a worker makes is conditioned on the lease, so a worker whose job was taken over (its
/// heartbeat lapsed) can no longer change it.
public struct JobLease: Sendable, Hashable {
    public let jobID: UUID
    public let workerID: String
    public let attempt: Int

    public init(jobID: UUID, workerID: String, attempt: Int) {
        self.jobID = jobID
        self.workerID = workerID
        self.attempt = attempt
    }
}

/// One row of `job_events`: a status change or a step of a job.
public struct JobEventRecord: Sendable, Equatable {
    public let id: Int64
    public let jobID: UUID
    public let kind: String
    /// JSON text.
    public let data: String
    public let createdAt: Date
}

/// One row of `job_landings`: the output of a job, to be landed at most once.
public struct JobLandingRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case pending, applied, rejected
    }

    public let jobID: UUID
    public let projectID: UUID?
    /// JSON text (the landing request).
    public let payload: String
    public let status: Status
    /// JSON text once applied or rejected.
    public let outcome: String?
    /// How many times it was claimed; more than one means an earlier claim was interrupted.
    public let claims: Int
}
