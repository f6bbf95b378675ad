import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import ServiceLifecycle
import Storage

/// The server's connections: HTTP/1.1 through Hummingbird's responder, and WebSocket upgrades on the
/// collaboration routes (`/api/projects/{id}/sync` and `/live`) run without Hummingbird's WebSocket layer.
///
/// An upgraded collaboration connection is a NIO ``RoomSocketHandler`` on the channel plus one small task
/// (the connection's own, from the server) that hands its messages to the room; the room writes to the
/// channel itself (``ChannelOutbox``). That keeps an idle connection to a few kilobytes: Hummingbird's
/// WebSocket stack held three tasks with deep async frames per connection (about 40 KB, see
/// docs/benchmarks.md).
struct CollabChannel: ServerChildChannel, HTTPChannelHandler {
    enum Negotiated: Sendable {
        case socket(RoomSocket)
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade that was asked for and refused: NIO has consumed its request, so it is answered here.
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, SocketRefusal)
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let gate: SocketGate
    let sockets: RoomSockets

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // The upgrade decision travels from `shouldUpgrade` to the pipeline set-up on this channel's loop.
            let admitted = NIOLoopBoundBox<SocketTicket?>(nil, eventLoop: channel.eventLoop)
            let refusal = NIOLoopBoundBox<SocketRefusal?>(nil, eventLoop: channel.eventLoop)
            let gate = gate
            let sockets = sockets
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: sockets.configuration.maximumMessageSize,
                shouldUpgrade: { channel, head in
                    guard let request = SocketRequest(head: head) else {
                        refusal.value = .notAWebSocketRoute
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                    let promise = channel.eventLoop.makePromise(of: Result<SocketTicket, SocketRefusal>.self)
                    // The bridge NIO offers from a future to async code (the database answers who may connect).
                    promise.completeWithTask { await gate.admit(request) }
                    return promise.futureResult.map { decision in
                        switch decision {
                        case .success(let ticket):
                            admitted.value = ticket
                            return HTTPHeaders()
                        case .failure(let refused):
                            refusal.value = refused
                            return nil
                        }
                    }
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let ticket = admitted.value else { throw ChannelError.inappropriateOperationForState }
                        return .socket(try sockets.open(ticket, on: channel))
                    }
                }
            )
            let upgrade = NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
                        let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)
                        )
                        if let refused = refusal.value { return .refused(http, refused) }
                        return .http(http)
                    }
                }
            )
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<Negotiated>(upgradeConfiguration: upgrade)
            pipeline.enablePipelining = false  // NIOAsyncChannel serialises HTTP requests
            pipeline.enableErrorHandling = false  // Hummingbird answers malformed requests
            pipeline.enableResponseHeaderValidation = false  // swift-http-types validated them already
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            return Value(negotiated: negotiated, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .socket(let socket):
                await sockets.run(socket, logger: logger)
            case .refused(let http, let refusal):
                try await http.executeThenClose { _, outbound in
                    try await outbound.write(contentsOf: refusal.response(allocator: value.channel.allocator))
                }
            }
        } catch {
            logger.debug("connection ended before its protocol was settled", metadata: ["error": "\(error)"])
        }
    }
}

/// An upgrade request on a collaboration route: which project, which protocol, the token.
struct SocketRequest: Sendable {
    let projectID: UUID
    let kind: RoomConnection.Kind
    let token: String?
    let wantsAcks: Bool

    /// Nil unless the path is `/api/projects/{uuid}/sync` or `/live`.
    init?(head: HTTPRequestHead) {
        let uri = URI(head.uri)
        let parts = uri.path.split(separator: "/")
        guard parts.count == 4, parts[0] == "api", parts[1] == "projects", let id = UUID(uuidString: String(parts[2])) else { return nil }
        switch parts[3] {
        case "sync": kind = .sync
        case "live": kind = .live
        default: return nil
        }
        projectID = id
        wantsAcks = uri.queryParameters["ack"] == "1"
        token = try? AuthMiddleware.token(authorization: head.headers.first(name: "authorization"), query: uri.queryParameters["token"])
    }
}

/// Who may open a collaboration connection: a valid token of a member of the project.
struct SocketGate: Sendable {
    let tokens: TokenService
    let database: Database

    /// The ticket for an admitted request, or why it is refused (answered with the error envelope, before any
    /// document data).
    func admit(_ request: SocketRequest) async -> Result<SocketTicket, SocketRefusal> {
        guard let token = request.token else { return .failure(.missingToken) }
        guard let userID = try? await tokens.verifyAccessToken(token) else { return .failure(.invalidToken) }
        do {
            // Not a member answers like a project that does not exist (as the HTTP routes do).
            guard let role = try await database.members.role(projectID: request.projectID, userID: userID),
                let user = try await database.users.find(id: userID)
            else { return .failure(.projectNotFound) }
            return .success(SocketTicket(request: request, participant: Participant(userID: user.id, name: user.displayName, role: role)))
        } catch {
            return .failure(.unavailable)
        }
    }
}

/// An admitted collaboration connection, before it joins its room.
struct SocketTicket: Sendable {
    let request: SocketRequest
    let participant: Participant
}

/// Why an upgrade was refused, answered as the error envelope of the REST API.
struct SocketRefusal: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    static let missingToken = SocketRefusal(status: .unauthorized, code: "UNAUTHORIZED", message: "an access token is required (?token= or Authorization: Bearer)")
    static let invalidToken = SocketRefusal(status: .unauthorized, code: "INVALID_TOKEN", message: "the access token is invalid or expired")
    static let projectNotFound = SocketRefusal(status: .notFound, code: "PROJECT_NOT_FOUND", message: "no such project")
    static let notAWebSocketRoute = SocketRefusal(status: .badRequest, code: "NOT_A_WEBSOCKET_ROUTE", message: "WebSocket upgrades are served on /api/projects/{id}/sync and /live only")
    static let unavailable = SocketRefusal(status: .serviceUnavailable, code: "UNAVAILABLE", message: "the database could not be reached; try again")

    /// The response: status, JSON envelope, `Connection: close`.
    func response(allocator: ByteBufferAllocator) -> [HTTPResponsePart] {
        struct Body: Encodable {
            struct Failure: Encodable { let code: String }
            struct Meta: Encodable { let timestamp: String }
            let status = "error"
            let message: String
            let error: Failure
            let meta: Meta
        }
        let body = Body(message: message, error: .init(code: code), meta: .init(timestamp: Date.now.ISO8601Format()))
        let bytes = (try? JSONEncoder().encode(body)) ?? Data()
        let head = HTTPResponse(
            status: status,
            headerFields: [.contentType: "application/json; charset=utf-8", .contentLength: "\(bytes.count)", .connection: "close"]
        )
        return [.head(head), .body(allocator.buffer(bytes: bytes)), .end(nil)]
    }
}
