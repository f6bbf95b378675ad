import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The signed-in user a request acts for.
public struct AuthenticatedUser: Sendable, Equatable {
    public let id: UUID
}

/// Per-request data: the request id, the caller's address and, once authenticated, the user.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Echoed as `X-Request-Id` and in every envelope's `meta.requestId`.
    public var requestID: String
    public var identity: AuthenticatedUser?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = UUID().uuidString.lowercased()
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress
    }

    /// JSON bodies are small; uploads stream and have their own limit.
    public var maxUploadSize: Int { 1 << 20 }

    /// The authenticated user, or a 401.
    public func requireUser() throws -> AuthenticatedUser {
        guard let identity else { throw APIError.unauthorized("sign in first") }
        return identity
    }

    /// The caller's IP address for rate limits (`unknown` for Unix sockets).
    public var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
