import CRDT
import CollabServer
import Foundation
import Hummingbird
import Storage
import Timeline

extension CollabController {
    struct VersionView: Encodable, Sendable {
        let id: String
        let label: String?
        let kind: String
        let seq: Int64
        let createdBy: String?
        let createdAt: Date

        init(_ version: VersionRepository.Version) {
            id = version.id.apiString
            label = version.label
            kind = version.kind.rawValue
            seq = version.seq
            createdBy = version.createdBy?.apiString
            createdAt = version.createdAt
        }
    }

    struct CreateVersionInput: Decodable { let label: String? }

    @Sendable func listVersions(_ request: Request, context: AppRequestContext) async throws -> Envelope<[VersionView]> {
        let project = try await projects.project(for: request, context: context)
        let page = try ProjectController.pageParameter(request, name: "page", default: 1, range: 1...1_000_000)
        let perPage = try ProjectController.pageParameter(request, name: "perPage", default: 50, range: 1...200)
        let result = try await database.versions.list(projectID: project.id, limit: perPage, offset: (page - 1) * perPage)
        return Envelope(result.items.map(VersionView.init), pagination: Pagination(page: page, perPage: perPage, total: result.total), context: context)
    }

    @Sendable func createVersion(_ request: Request, context: AppRequestContext) async throws -> Envelope<VersionView> {
        let project = try await projects.project(for: request, context: context)
        guard project.role.canEdit else { throw APIError.forbidden("only editors and owners can name versions") }
        let input = try await request.decode(as: CreateVersionInput.self, context: context)
        let label = try Validation.name(input.label, field: "label")
        let participant = try await participant(project: project, context: context)
        let version = try await registry.room(for: project.id).createVersion(kind: .named, label: label, by: participant)
        return Envelope(VersionView(version), message: "version created", status: .created, context: context)
    }

    @Sendable func showVersion(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await projects.project(for: request, context: context)
        let found = try await version(request, context: context, project: project)
        struct Shown: Encodable { let version: VersionView; let timeline: TimelineView }
        let body = try JSONCoding.encoder().encode(Shown(version: VersionView(found.version), timeline: try Self.view(ofState: found.state)))
        return try Self.envelope(rawJSON: body, context: context)
    }

    struct RestoreAnswer: Encodable, Sendable {
        /// The version that was brought back.
        let restored: VersionView
        /// The state just before the restore (restore it to undo the restore).
        let restorePoint: VersionView
        /// The state after the restore, recorded as a version.
        let result: VersionView
        let seq: Int64?
    }

    @Sendable func restore(_ request: Request, context: AppRequestContext) async throws -> Envelope<RestoreAnswer> {
        let project = try await projects.project(for: request, context: context)
        guard project.role.canEdit else { throw APIError.forbidden("only editors and owners can restore versions") }
        let found = try await version(request, context: context, project: project)
        let participant = try await participant(project: project, context: context)
        let label = found.version.label ?? "version of \(ISO8601DateFormatter().string(from: found.version.createdAt))"
        let outcome = try await registry.room(for: project.id).restore(toState: found.state, label: label, by: participant)
        return Envelope(
            RestoreAnswer(
                restored: VersionView(found.version), restorePoint: VersionView(outcome.restorePoint), result: VersionView(outcome.restored),
                seq: outcome.seq
            ),
            message: "version restored",
            context: context
        )
    }

    @Sendable func diff(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await projects.project(for: request, context: context)
        func state(_ name: String) async throws -> TimelineState {
            guard let raw = request.uri.queryParameters[Substring(name)] else { throw APIError.validation(name, "\(name) is required (a version id or `current`)") }
            if raw == "current" {
                let room = try await registry.room(for: project.id)
                return try Self.stateOf(await room.durableState().state)
            }
            let id = try Validation.uuid(String(raw), field: name)
            guard let found = try await database.versions.find(projectID: project.id, id: id) else {
                throw APIError(.notFound, code: "VERSION_NOT_FOUND", "no such version: \(raw)")
            }
            return try Self.stateOf(found.state)
        }
        let difference = TimelineDiff(from: try await state("from"), to: try await state("to"))
        return try Self.envelope(rawJSON: try JSONCoding.encoder().encode(difference), context: context)
    }

    struct HistoryEntry: Encodable, Sendable {
        let seq: Int64
        let author: String?
        let origin: String
        let bytes: Int
        let createdAt: Date
    }

    /// A burst: consecutive changes by one author with less than `burstGap` between them.
    struct HistoryBurst: Encodable, Sendable {
        let author: String?
        let authorName: String?
        let fromSeq: Int64
        let toSeq: Int64
        let changes: Int
        let bytes: Int
        let origins: [String]
        let startedAt: Date
        let endedAt: Date
    }

    static let burstGap: TimeInterval = 60

    /// Who changed what and when, newest first. By default the log is summarised per burst (one author,
    /// changes less than a minute apart); `?raw=1` lists every update. `before` (a seq) pages backwards.
    @Sendable func history(_ request: Request, context: AppRequestContext) async throws -> Response {
        let project = try await projects.project(for: request, context: context)
        let limit = try ProjectController.pageParameter(request, name: "limit", default: 100, range: 1...1000)
        let before = request.uri.queryParameters["before"].flatMap { Int64($0) }
        let raw = request.uri.queryParameters["raw"] == "1"
        let entries = try await database.documents.history(projectID: project.id, before: before, limit: raw ? limit : limit * 50)
        if raw {
            let list = entries.map { HistoryEntry(seq: $0.seq, author: $0.authorID?.apiString, origin: $0.origin, bytes: $0.payload.count, createdAt: $0.createdAt) }
            return try Envelope(list, context: context).response(from: request, context: context)
        }
        var bursts: [HistoryBurst] = []
        var names: [UUID: String] = [:]
        for entry in entries {  // newest first
            if let last = bursts.last, last.author == entry.authorID?.apiString, last.startedAt.timeIntervalSince(entry.createdAt) < Self.burstGap {
                bursts[bursts.count - 1] = HistoryBurst(
                    author: last.author, authorName: last.authorName, fromSeq: entry.seq, toSeq: last.toSeq, changes: last.changes + 1,
                    bytes: last.bytes + entry.payload.count, origins: Array(Set(last.origins + [entry.origin])).sorted(),
                    startedAt: entry.createdAt, endedAt: last.endedAt
                )
                continue
            }
            guard bursts.count < limit else { break }
            var name: String?
            if let author = entry.authorID {
                if names[author] == nil { names[author] = try await database.users.find(id: author)?.displayName }
                name = names[author]
            }
            bursts.append(HistoryBurst(
                author: entry.authorID?.apiString, authorName: name, fromSeq: entry.seq, toSeq: entry.seq, changes: 1,
                bytes: entry.payload.count, origins: [entry.origin], startedAt: entry.createdAt, endedAt: entry.createdAt
            ))
        }
        return try Envelope(bursts, context: context).response(from: request, context: context)
    }

    private func version(_ request: Request, context: AppRequestContext, project: Project) async throws -> (version: VersionRepository.Version, state: [UInt8]) {
        let id = try Validation.uuid(context.parameters.get("version"), field: "version")
        guard let found = try await database.versions.find(projectID: project.id, id: id) else {
            throw APIError(.notFound, code: "VERSION_NOT_FOUND", "no such version")
        }
        return found
    }

    static func stateOf(_ update: [UInt8]) throws -> TimelineState {
        let doc = YDoc()
        try doc.applyUpdate(update)
        return ProjectDocument(doc: doc).state()
    }
}
