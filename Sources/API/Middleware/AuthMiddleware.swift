import HTTPTypes
import Hummingbird

/// Requires a valid access token: `Authorization: Bearer TOKEN`, or `?token=TOKEN` (for WebSockets, whose
/// browser API cannot set headers). Sets `context.identity`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let tokens: TokenService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.identity = AuthenticatedUser(id: try await tokens.verifyAccessToken(try Self.token(in: request)))
        return try await next(request, context)
    }

    static func token(in request: Request) throws(APIError) -> String {
        try token(authorization: request.headers[.authorization], query: request.uri.queryParameters["token"])
    }

    /// The access token of a request: `Authorization: Bearer …`, else the `token` query parameter (used by
    /// WebSocket clients, which cannot set headers).
    static func token(authorization header: String?, query: Substring?) throws(APIError) -> String {
        if let header {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
                throw APIError(.unauthorized, code: "INVALID_TOKEN", "the Authorization header must be `Bearer ACCESS_TOKEN`",
                               headers: [.wwwAuthenticate: "Bearer"])
            }
            return String(parts[1])
        }
        if let query, !query.isEmpty { return String(query) }
        throw APIError.unauthorized("an access token is required (Authorization: Bearer ACCESS_TOKEN)")
    }
}
