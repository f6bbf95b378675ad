import HTTPTypes
import Hummingbird

/// CORS for the configured origins only (`EDITBAY_CORS_ORIGINS`; `*` allows any origin).
///
/// Requests without an `Origin` header (curl, servers, native apps) pass untouched. A preflight from an
/// allowed origin is answered here; one from another origin gets no CORS headers, so the browser blocks it.
struct CORSPolicyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let allowedOrigins: Set<String>
    let allowsAny: Bool
    let maxAge = "600"

    init(origins: [String]) {
        self.allowsAny = origins.contains("*")
        self.allowedOrigins = Set(origins)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], allowsAny || allowedOrigins.contains(origin) else {
            return try await next(request, context)
        }
        let allowOrigin = allowsAny ? "*" : origin
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return Response(
                status: .noContent,
                headers: [
                    .accessControlAllowOrigin: allowOrigin,
                    .accessControlAllowMethods: "GET, POST, PUT, PATCH, DELETE, OPTIONS",
                    .accessControlAllowHeaders: "Authorization, Content-Type, X-Request-Id",
                    .accessControlMaxAge: maxAge,
                    .vary: "Origin",
                ]
            )
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = allowOrigin
        response.headers[.accessControlExposeHeaders] = "X-Request-Id, Retry-After"
        response.headers[.vary] = "Origin"
        return response
    }
}
