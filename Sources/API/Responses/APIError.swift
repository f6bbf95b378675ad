import Foundation
import HTTPTypes
import Hummingbird

/// An error a client can act on: an HTTP status, a stable `code`, a message for people, and optionally the
/// offending `field` and structured `details`. Rendered in the error envelope
/// `{status:"error", message, error{code, details, field?}, meta}` by ``ErrorEnvelopeMiddleware``.
public struct APIError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    public let field: String?
    public let details: [String: String]
    public let headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status,
        code: String,
        _ message: String,
        field: String? = nil,
        details: [String: String] = [:],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.details = details
        self.headers = headers
    }

    public static func validation(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "VALIDATION_FAILED", message, field: field)
    }
    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "UNAUTHORIZED", message, headers: [.wwwAuthenticate: "Bearer"])
    }
    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "FORBIDDEN", message)
    }
    public static let projectNotFound = APIError(.notFound, code: "PROJECT_NOT_FOUND", "no such project")
}
