import Foundation
import HTTPTypes
import Hummingbird
import Logging
import CollabServer
import Timeline

/// Turns every error into the error envelope `{status:"error", message, error{code, details, field?}, meta}`.
///
/// ``APIError`` keeps its code; Hummingbird's own `HTTPError`s (unknown route, bad JSON, body too large)
/// get a code from their status; anything else is logged in full and answered with a generic 500, so
/// database or internal details never reach a client.
struct ErrorEnvelopeMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let details: [String: String]
            let field: String?
        }
        let status = "error"
        let message: String
        let error: Detail
        let meta: EnvelopeMeta
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try Self.render(error, context: context)
        } catch let error as TimelineError {
            return try Self.render(APIError(timeline: error), context: context)
        } catch let error as CollabError {
            return try Self.render(APIError(collab: error), context: context)
        } catch let error as HTTPError {
            let code = Self.code(for: error.status)
            let message = error.body.flatMap { $0.isEmpty ? nil : $0 } ?? error.status.reasonPhrase
            return try Self.render(APIError(error.status, code: code, message, headers: error.headers), context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return try Self.render(APIError(.internalServerError, code: "INTERNAL_ERROR", "internal error"), context: context)
        }
    }

    static func render(_ error: APIError, context: Context) throws -> Response {
        let body = Body(
            message: error.message,
            error: .init(code: error.code, details: error.details, field: error.field),
            meta: EnvelopeMeta(timestamp: Date(), requestId: context.requestID, pagination: nil)
        )
        var response = try JSONCoding.response(body)
        response.status = error.status
        for field in error.headers { response.headers.append(field) }
        return response
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "NOT_FOUND"
        case .badRequest: "BAD_REQUEST"
        case .unauthorized: "UNAUTHORIZED"
        case .forbidden: "FORBIDDEN"
        case .methodNotAllowed: "METHOD_NOT_ALLOWED"
        case .contentTooLarge: "PAYLOAD_TOO_LARGE"
        case .unsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE"
        case .tooManyRequests: "RATE_LIMITED"
        default: status.code >= 500 ? "INTERNAL_ERROR" : "HTTP_\(status.code)"
        }
    }
}
