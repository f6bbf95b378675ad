/// Why a Redis call failed. `code` is stable; `message` is for people and never holds a password.
public struct RedisError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidURL = "INVALID_URL"
            case connectionRefused = "CONNECTION_REFUSED"
            case connectionFailed = "CONNECTION_FAILED"
            case authenticationFailed = "AUTHENTICATION_FAILED"
            case connectionLost = "CONNECTION_LOST"
            case protocolError = "PROTOCOL_ERROR"
            case serverError = "SERVER_ERROR"
            case closed = "CLOSED"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The `REDIS_URL` cannot be parsed.
        public static let invalidURL = Code(.invalidURL)
        /// Nothing listens at the address (the server is down or the address is wrong).
        public static let connectionRefused = Code(.connectionRefused)
        /// Connecting failed otherwise (unknown host, timeout, no such socket).
        public static let connectionFailed = Code(.connectionFailed)
        /// The server refused the password (or wants one).
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The connection broke (the server went away).
        public static let connectionLost = Code(.connectionLost)
        /// The server's answer made no sense.
        public static let protocolError = Code(.protocolError)
        /// The server answered with an error reply.
        public static let serverError = Code(.serverError)
        /// The connection was closed by its owner.
        public static let closed = Code(.closed)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
