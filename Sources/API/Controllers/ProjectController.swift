import Foundation
import Hummingbird
import Logging
import Storage
import CollabServer
import Timeline

/// `/api/projects`: list, create, get, rename, delete, duplicate.
///
/// Every route looks the project up through the caller's membership, so another user's project answers
/// 404 `PROJECT_NOT_FOUND` exactly like a project that does not exist.
struct ProjectController: Sendable {
    let database: Database
    let registry: RoomRegistry

    /// A project in the API (`role` is the caller's).
    struct ProjectView: Encodable, Sendable {
        let id: String
        let name: String
        let createdAt: Date
        let updatedAt: Date
        let role: ProjectRole
        let rate: Rational
        let width: Int
        let height: Int
        let sampleRate: Int

        init(_ project: Project) {
            id = project.id.apiString
            name = project.name
            createdAt = project.createdAt
            updatedAt = project.updatedAt
            role = project.role
            rate = project.settings.rate
            width = project.settings.width
            height = project.settings.height
            sampleRate = project.settings.sampleRate
        }
    }

    struct CreateInput: Decodable { let name: String?; let rate: Rational?; let width: Int?; let height: Int?; let sampleRate: Int? }
    struct RenameInput: Decodable { let name: String? }
    struct DuplicateInput: Decodable { let name: String? }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get(use: list)
        group.post(use: create)
        group.get("{project}", use: show)
        group.put("{project}", use: rename)
        group.patch("{project}", use: rename)
        group.delete("{project}", use: delete)
        group.post("{project}/duplicate", use: duplicate)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Envelope<[ProjectView]> {
        let user = try context.requireUser()
        let page = try Self.pageParameter(request, name: "page", default: 1, range: 1...1_000_000)
        let perPage = try Self.pageParameter(request, name: "perPage", default: 20, range: 1...100)
        let result = try await database.projects.list(userID: user.id, limit: perPage, offset: (page - 1) * perPage)
        return Envelope(
            result.items.map(ProjectView.init),
            pagination: Pagination(page: page, perPage: perPage, total: result.total),
            context: context
        )
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Envelope<ProjectView> {
        let user = try context.requireUser()
        let input = try await request.decode(as: CreateInput.self, context: context)
        let name = try Validation.name(input.name, field: "name")
        var settings = ProjectSettings()
        if let rate = input.rate {
            guard (1...1_000_000).contains(rate.num), (1...1_000_000).contains(rate.den), rate.num / rate.den <= 1000 else {
                throw APIError.validation("rate", "rate must be {num, den} with positive integers and at most 1000 fps")
            }
            settings.rate = rate
        }
        if let width = input.width {
            guard (16...16384).contains(width), width % 2 == 0 else { throw APIError.validation("width", "width must be an even number from 16 to 16384") }
            settings.width = width
        }
        if let height = input.height {
            guard (16...16384).contains(height), height % 2 == 0 else { throw APIError.validation("height", "height must be an even number from 16 to 16384") }
            settings.height = height
        }
        if let sampleRate = input.sampleRate {
            guard [8_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 96_000].contains(sampleRate) else {
                throw APIError.validation("sampleRate", "sampleRate must be a standard rate such as 44100 or 48000")
            }
            settings.sampleRate = sampleRate
        }
        let project = try await database.projects.create(name: name, settings: settings, ownerID: user.id)
        return Envelope(ProjectView(project), message: "project created", status: .created, context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Envelope<ProjectView> {
        Envelope(ProjectView(try await project(for: request, context: context)), context: context)
    }

    @Sendable func rename(_ request: Request, context: AppRequestContext) async throws -> Envelope<ProjectView> {
        let project = try await project(for: request, context: context)
        guard project.role.canEdit else { throw APIError.forbidden("only editors and owners can rename a project") }
        let input = try await request.decode(as: RenameInput.self, context: context)
        let name = try Validation.name(input.name, field: "name")
        guard let renamed = try await database.projects.rename(id: project.id, name: name, userID: try context.requireUser().id) else {
            throw APIError.projectNotFound
        }
        // The document's meta.name follows, as a change every open editor receives.
        let user = try context.requireUser()
        if let account = try await database.users.find(id: user.id) {
            let participant = Participant(userID: account.id, name: account.displayName, role: project.role)
            try await registry.room(for: project.id).apply([.updateProject(UpdateProject(name: name))], by: participant, origin: "rest")
        }
        return Envelope(ProjectView(renamed), message: "project renamed", context: context)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Envelope<NoData> {
        let project = try await project(for: request, context: context)
        guard project.role.canManage else { throw APIError.forbidden("only owners can delete a project") }
        try await database.projects.softDelete(id: project.id)
        context.logger.info("project deleted", metadata: ["project": "\(project.id)"])
        return Envelope(NoData(), message: "project deleted", context: context)
    }

    @Sendable func duplicate(_ request: Request, context: AppRequestContext) async throws -> Envelope<ProjectView> {
        let project = try await project(for: request, context: context)
        let input = try await Self.optionalBody(request, as: DuplicateInput.self, context: context)
        let name = try input?.name.map { try Validation.name($0, field: "name") } ?? String("\(project.name) (copy)".prefix(200))
        let copy = try await database.projects.duplicate(id: project.id, name: name, ownerID: try context.requireUser().id)
        return Envelope(ProjectView(copy), message: "project duplicated", status: .created, context: context)
    }

    // MARK: - Helpers

    /// The project named by the `{project}` path parameter, as the caller sees it; 404 when the caller is not a member.
    func project(for request: Request, context: AppRequestContext) async throws -> Project {
        let user = try context.requireUser()
        guard let raw = context.parameters.get("project"), let id = UUID(uuidString: raw),
            let project = try await database.projects.find(id: id, userID: user.id)
        else { throw APIError.projectNotFound }
        return project
    }

    /// The caller as a participant of `project` (for server-side edits made on their behalf).
    func participant(project: Project, context: AppRequestContext) async throws -> Participant {
        let user = try context.requireUser()
        guard let account = try await database.users.find(id: user.id) else { throw APIError.unauthorized("the account no longer exists") }
        return Participant(userID: account.id, name: account.displayName, role: project.role)
    }

    static func pageParameter(_ request: Request, name: String, default value: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw APIError.validation(name, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Decodes a JSON body if there is one (an empty body is allowed).
    static func optionalBody<T: Decodable>(_ request: Request, as type: T.Type, context: AppRequestContext) async throws -> T? {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError(.badRequest, code: "BAD_REQUEST", "the body is not valid JSON for this call")
        }
    }
}
