import CRDT
import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Storage
import Timeline

/// The collaboration routes: `ws …/sync` (y-websocket), the timeline view, server-side operations,
/// versions and history.
struct CollabController: Sendable {
    let database: Database
    let registry: RoomRegistry
    let projects: ProjectController
    let configuration: CollabConfiguration

    func addWebSocketRoutes(to router: Router<AppRequestContext>) {
        let database = self.database
        let registry = self.registry
        let configuration = self.configuration
        let writers = LoopWriters()
        for (path, kind) in [("sync", RoomConnection.Kind.sync), ("live", .live)] {
            router.ws("api/projects/{project}/\(path)") { request, context in
                // Refused here (bad token, not a member): the request falls through to the HTTP route of the
                // same path, which answers with the error envelope before any document data is sent.
                guard let projectID = context.parameters.get("project").flatMap(UUID.init(uuidString:)),
                    try await SocketPump.participant(context, projectID: projectID, database: database) != nil
                else { return .dontUpgrade }
                return .upgrade([:])
            } onUpgrade: { inbound, outbound, context in
                let requestContext = context.requestContext
                guard let projectID = requestContext.parameters.get("project").flatMap(UUID.init(uuidString:)),
                    let participant = try await SocketPump.participant(requestContext, projectID: projectID, database: database)
                else {
                    try await outbound.close(.policyViolation, reason: "not a member of this project")
                    return
                }
                let room: Room
                do {
                    room = try await registry.room(for: projectID)
                } catch {
                    context.logger.error("could not load the room", metadata: ["error": "\(String(reflecting: error))"])
                    try await outbound.close(.unexpectedServerError, reason: "the project could not be loaded")
                    return
                }
                try await SocketPump.run(
                    room: room,
                    participant: participant,
                    kind: kind,
                    wantsAcks: context.request.uri.queryParameters["ack"] == "1",
                    inbound: inbound,
                    channel: requestContext.channel,
                    writers: writers,
                    configuration: configuration,
                    onText: { text, id in await room.receiveLive(text, from: id) }
                )
            }
        }
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("{project}/sync", use: syncWithoutUpgrade)
        group.get("{project}/live", use: syncWithoutUpgrade)
        group.get("{project}/timeline", use: timeline)
        group.post("{project}/operations", use: operations)
        group.get("{project}/versions", use: listVersions)
        group.post("{project}/versions", use: createVersion)
        group.get("{project}/versions/diff", use: diff)
        group.get("{project}/versions/{version}", use: showVersion)
        group.post("{project}/versions/{version}/restore", use: restore)
        group.get("{project}/history", use: history)
    }

    /// A plain GET on the sync URL from a member: they forgot to upgrade.
    @Sendable func syncWithoutUpgrade(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try await projects.project(for: request, context: context)
        throw APIError(.upgradeRequired, code: "UPGRADE_REQUIRED", "connect with a WebSocket (y-websocket protocol on …/sync, JSON events on …/live)",
                       headers: [.upgrade: "websocket"])
    }

    @Sendable func timeline(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await projects.project(for: request, context: context)
        let view: TimelineView
        if let rawVersion = request.uri.queryParameters["version"] {
            let versionID = try Validation.uuid(String(rawVersion), field: "version")
            guard let found = try await database.versions.find(projectID: project.id, id: versionID) else {
                throw APIError(.notFound, code: "VERSION_NOT_FOUND", "no such version")
            }
            view = try Self.view(ofState: found.state)
        } else {
            view = try await registry.currentView(of: project.id)
        }
        if let format = request.uri.queryParameters["format"] {
            guard format == "otio" else { throw APIError.validation("format", "format must be otio (or absent for EditBay's JSON view)") }
            // An OTIO file as is, without the envelope, so OpenTimelineIO tools can read the answer directly.
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=utf-8", .contentDisposition: "attachment; filename=\"\(project.id.apiString).otio\""],
                body: .init(byteBuffer: ByteBuffer(bytes: try TimelineConverter.write(view, as: .otio)))
            )
        }
        return try Self.envelope(rawJSON: try view.jsonData(), context: context)
    }

    struct OperationsAnswer: Encodable, Sendable {
        let results: [OperationResult]
        let seq: Int64?
    }

    @Sendable func operations(_ request: Request, context: AppRequestContext) async throws -> Envelope<OperationsAnswer> {
        let project = try await projects.project(for: request, context: context)
        guard project.role.canEdit else { throw APIError.forbidden("only editors and owners can edit the timeline") }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let operations = try EditOperation.decodeBatch(Data(body.readableBytesView))
        let participant = try await participant(project: project, context: context)
        let applied = try await registry.room(for: project.id).apply(operations, by: participant, origin: "rest")
        return Envelope(OperationsAnswer(results: applied.results, seq: applied.seq), message: "applied", context: context)
    }

    // MARK: - Helpers

    func participant(project: Project, context: AppRequestContext) async throws -> Participant {
        try await projects.participant(project: project, context: context)
    }

    static func view(ofState state: [UInt8]) throws -> TimelineView {
        let doc = YDoc()
        try doc.applyUpdate(state)
        return try ProjectDocument(doc: doc).view()
    }

    /// The success envelope around JSON that is already encoded (the timeline view).
    static func envelope(rawJSON: Data, context: AppRequestContext) throws -> Response {
        let meta = try JSONCoding.encoder().encode(EnvelopeMeta(timestamp: Date(), requestId: context.requestID, pagination: nil))
        var body = Data(#"{"status":"success","message":null,"data":"#.utf8)
        body.append(rawJSON)
        body.append(Data(#","meta":"#.utf8))
        body.append(meta)
        body.append(Data("}".utf8))
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
