/// A job's failure, with a stable code users and scripts can act on.
///
/// Handlers throw it (or an error conforming to ``JobErrorConvertible``) to choose the code and whether
/// another attempt may help; any other error becomes `JOB_FAILED`, retryable.
public struct JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable machine-readable code. Handlers may make their own (`JobError.Code("PROVIDER_REFUSED")`).
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The job ran longer than its timeout.
        public static let timeout = Code("TIMEOUT")
        /// A user cancelled the job.
        public static let cancelled = Code("CANCELLED")
        /// The parameters do not fit the job's kind.
        public static let invalidParams = Code("INVALID_PARAMS")
        /// No handler knows the job's kind.
        public static let unknownKind = Code("UNKNOWN_KIND")
        /// The worker running the job stopped heartbeating and no attempts were left for a takeover.
        public static let workerLost = Code("WORKER_LOST")
        /// The job is in a state that does not allow the operation (e.g. retrying a running job).
        public static let invalidState = Code("INVALID_STATE")
        /// A handler failed with an error that carries no code of its own.
        public static let jobFailed = Code("JOB_FAILED")
        /// A setting (environment variable) has a value that cannot be used.
        public static let invalidConfiguration = Code("INVALID_CONFIGURATION")
    }

    public var code: Code
    public var message: String
    /// Whether another attempt may succeed (then the job is retried with backoff while attempts remain).
    public var retryable: Bool

    public init(_ code: Code, _ message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }

    public var description: String { "\(code): \(message)" }

    /// The stored form.
    public var info: JobErrorInfo { JobErrorInfo(code: code.rawValue, message: message) }

    /// The job error for anything a handler threw.
    public static func from(_ error: any Error) -> JobError {
        switch error {
        case let error as JobError: error
        case let error as any JobErrorConvertible: error.jobError
        default: JobError(.jobFailed, String(describing: error), retryable: true)
        }
    }
}

/// An error that knows which job error it is (e.g. a provider's error type).
public protocol JobErrorConvertible: Error {
    /// The code, message and retryability to record.
    var jobError: JobError { get }
}
