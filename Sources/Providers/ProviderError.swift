/// A generation failure with a stable code users and jobs can act on.
///
/// Messages never contain secrets: text that comes from a provider is scrubbed of every configured
/// secret before it lands here.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code; its `rawValue` is what APIs and job records show.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// 429: the provider asks us to slow down; see ``ProviderError/retryAfter``.
        public static let rateLimited = Code(rawValue: "RATE_LIMITED")
        /// 5xx or no connection, still so after the configured retries.
        public static let providerUnavailable = Code(rawValue: "PROVIDER_UNAVAILABLE")
        /// The provider ran the job and it failed; the message carries the provider's error text.
        public static let providerFailed = Code(rawValue: "PROVIDER_FAILED")
        /// The provider job did not finish before its deadline; it was cancelled at the provider.
        public static let providerTimeout = Code(rawValue: "PROVIDER_TIMEOUT")
        /// The output URL answered 403, 404 or 410: the file is gone.
        public static let outputExpired = Code(rawValue: "OUTPUT_EXPIRED")
        /// The output is larger than the configured maximum download size.
        public static let outputTooLarge = Code(rawValue: "OUTPUT_TOO_LARGE")
        /// The provider answered something we cannot understand.
        public static let badResponse = Code(rawValue: "BAD_RESPONSE")
        /// 401/403 from the provider's API: the key is wrong, revoked or lacks access.
        public static let unauthorized = Code(rawValue: "UNAUTHORIZED")
        /// The provider rejected the request (4xx), or the request cannot be sent (e.g. a missing frame file).
        public static let invalidRequest = Code(rawValue: "INVALID_REQUEST")
        /// The generation was cancelled (by us or at the provider).
        public static let cancelled = Code(rawValue: "CANCELLED")
        /// The provider lacks configuration (API key, model) for this request.
        public static let notConfigured = Code(rawValue: "NOT_CONFIGURED")
        /// The resumable state could not be saved, so the provider job was cancelled rather than orphaned.
        public static let stateNotSaved = Code(rawValue: "STATE_NOT_SAVED")
        /// A local file could not be read or written.
        public static let ioFailed = Code(rawValue: "IO_FAILED")
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation (secret-free).
    public var message: String
    /// The provider, when known.
    public var providerID: String?
    /// For ``Code/rateLimited``: how long the provider asked us to wait.
    public var retryAfter: Duration?
    /// The HTTP status that caused the error, when one did.
    public var httpStatus: Int?
    /// True when the saved ``ProviderState`` points at a provider job that is over (failed, cancelled,
    /// timed out, output gone): a retry must start without it, or it would meet the same end.
    public var discardsState: Bool

    /// Creates an error.
    public init(
        _ code: Code,
        _ message: String,
        providerID: String? = nil,
        retryAfter: Duration? = nil,
        httpStatus: Int? = nil,
        discardsState: Bool = false
    ) {
        self.code = code
        self.message = message
        self.providerID = providerID
        self.retryAfter = retryAfter
        self.httpStatus = httpStatus
        self.discardsState = discardsState
    }

    /// Whether running the job again may help (after ``retryAfter`` when set).
    public var isRetryable: Bool {
        switch code {
        case .rateLimited, .providerUnavailable, .providerTimeout, .outputExpired, .stateNotSaved, .ioFailed: true
        default: false
        }
    }

    /// `CODE: message` (with the provider when known).
    public var description: String {
        let source = providerID.map { " (\($0))" } ?? ""
        return "\(code.rawValue)\(source): \(message)"
    }
}
