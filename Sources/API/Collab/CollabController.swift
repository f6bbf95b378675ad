import CRDT
import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOWebSocket
import Storage
import Timeline

/// The collaboration routes over HTTP: the timeline view, server-side operations, versions and history (the
/// WebSocket upgrades of `…/sync` and `…/live` are handled by ``CollabChannel``).
struct CollabController: Sendable {
    let database: Database
    let registry: RoomRegistry
    let projects: ProjectController
    let configuration: CollabConfiguration

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
