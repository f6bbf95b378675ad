import Foundation
import Storage
import Timeline

/// Where a job is in its life. A running job whose cancel was requested stays `running` until its worker
/// stops it (``JobSnapshot/cancelRequested``).
public enum JobStatus: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed, cancelled

    /// Whether the job will not change any more (unless retried).
    public var isFinished: Bool { self == .succeeded || self == .failed || self == .cancelled }
}

/// One named step of a job, as its handler reported it with ``JobContext/step(_:_:)``.
public struct JobStep: Sendable, Codable, Equatable {
    /// How a step went.
    public enum Status: String, Sendable, Codable {
        case running, succeeded, failed
    }

    public var name: String
    public var status: Status
    public var startedAt: Date?
    public var finishedAt: Date?

    public init(name: String, status: Status, startedAt: Date? = nil, finishedAt: Date? = nil) {
        self.name = name
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// A job as users and other modules see it (REST, live protocol).
public struct JobSnapshot: Sendable, Encodable, Equatable {
    public let id: UUID
    public let projectID: UUID?
    public let kind: String
    /// The parameters it was created with.
    public let params: JSONValue
    public let status: JobStatus
    /// 0–1.
    public let progress: Double
    public let steps: [JobStep]
    /// What the handler returned, once succeeded.
    public let result: JSONValue?
    /// Why it failed or was cancelled; for a queued job that is waiting to retry, the last failure.
    public let error: JobErrorInfo?
    /// Runs so far (a takeover counts as a run); reset by a retry.
    public let attempts: Int
    public let maxAttempts: Int
    /// Whether a cancel was requested (the worker stops the job soon).
    public let cancelRequested: Bool
    /// Not before this time (a retry after a failure waits here).
    public let runAfter: Date
    public let createdBy: UUID?
    public let createdAt: Date
    public let updatedAt: Date
    public let startedAt: Date?
    public let finishedAt: Date?
    /// The job's own timeout, overriding its handler's (not encoded).
    public let timeout: Duration?

    public init(record: JobRecord) {
        id = record.id
        projectID = record.projectID
        kind = record.kind
        params = record.params == "{}" ? .object([:]) : JSONText.decode(JSONValue.self, record.params) ?? .object([:])
        status = JobStatus(rawValue: record.status.rawValue) ?? .failed
        progress = record.progress
        steps = record.steps == "[]" ? [] : JSONText.decode([JobStep].self, record.steps) ?? []
        result = record.result.flatMap { $0 == "null" ? .null : JSONText.decode(JSONValue.self, $0) }
        error = record.error.flatMap { JSONText.decode(JobErrorInfo.self, $0) }
        attempts = record.attempts
        maxAttempts = record.maxAttempts
        cancelRequested = record.cancelRequested
        runAfter = record.runAfter
        createdBy = record.createdBy
        createdAt = record.createdAt
        updatedAt = record.updatedAt
        startedAt = record.startedAt
        finishedAt = record.finishedAt
        timeout = record.timeoutSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }
    }

    private enum CodingKeys: String, CodingKey {
        case id, projectID = "projectId", kind, params, status, progress, steps, result, error, attempts, maxAttempts,
            cancelRequested, runAfter, createdBy, createdAt, updatedAt, startedAt, finishedAt
    }
}

/// The error of a job as stored and shown: a stable code and a message.
public struct JobErrorInfo: Sendable, Codable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// JSON text in and out of the database (dates as ISO 8601 with fractional seconds).
enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? decoding(type, text)
    }

    static func decoding<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let string = try container.decode(String.self)
            if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(string) {
                return date
            }
            if let date = try? Date.ISO8601FormatStyle().parse(string) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(string)")
        }
        return try decoder.decode(T.self, from: Data(text.utf8))
    }
}
