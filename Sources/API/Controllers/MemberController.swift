import Foundation
import Hummingbird
import Storage
import CollabServer

/// `/api/projects/{project}/members`: list (any member), add, change role and remove (owners; a member
/// may also remove themselves). The last owner can be neither removed nor demoted.
struct MemberController: Sendable {
    let database: Database
    let projects: ProjectController
    let registry: RoomRegistry

    struct MemberView: Encodable, Sendable {
        let userId: String
        let email: String
        let displayName: String
        let role: ProjectRole
        let addedAt: Date

        init(_ member: ProjectMember) {
            userId = member.user.id.apiString
            email = member.user.email
            displayName = member.user.displayName
            role = member.role
            addedAt = member.addedAt
        }
    }

    struct AddInput: Decodable { let userId: String?; let email: String?; let role: String? }
    struct RoleInput: Decodable { let role: String? }
    struct RemoveInput: Decodable { let userId: String? }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("{project}/members", use: list)
        group.post("{project}/members", use: add)
        group.put("{project}/members/{user}", use: setRole)
        group.patch("{project}/members/{user}", use: setRole)
        group.delete("{project}/members/{user}", use: remove)
        group.delete("{project}/members", use: remove)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Envelope<[MemberView]> {
        let project = try await projects.project(for: request, context: context)
        return Envelope(try await database.members.list(projectID: project.id).map(MemberView.init), context: context)
    }

    @Sendable func add(_ request: Request, context: AppRequestContext) async throws -> Envelope<MemberView> {
        let project = try await projects.project(for: request, context: context)
        guard project.role.canManage else { throw APIError.forbidden("only owners can add members") }
        let input = try await request.decode(as: AddInput.self, context: context)
        let role = try Self.role(input.role)
        let user: User?
        if let rawID = input.userId {
            user = try await database.users.find(id: try Validation.uuid(rawID, field: "userId"))
        } else if input.email != nil {
            user = try await database.users.find(email: try Validation.email(input.email))
        } else {
            throw APIError.validation("userId", "give userId or email")
        }
        guard let user else { throw APIError(.notFound, code: "USER_NOT_FOUND", "no user with this id or email") }
        do {
            try await database.members.add(projectID: project.id, userID: user.id, role: role)
        } catch let error as StorageError where error.code == .uniqueViolation {
            throw APIError(.conflict, code: "ALREADY_MEMBER", "this user is already a member; change their role instead")
        }
        let member = try await member(projectID: project.id, userID: user.id)
        return Envelope(member, message: "member added", status: .created, context: context)
    }

    @Sendable func setRole(_ request: Request, context: AppRequestContext) async throws -> Envelope<MemberView> {
        let project = try await projects.project(for: request, context: context)
        guard project.role.canManage else { throw APIError.forbidden("only owners can change roles") }
        let userID = try Validation.uuid(context.parameters.get("user"), field: "userId")
        let input = try await request.decode(as: RoleInput.self, context: context)
        let role = try Self.role(input.role)
        try Self.check(try await database.members.setRole(projectID: project.id, userID: userID, role: role))
        // Open connections keep the role they connected with: close them so they reconnect with the new one.
        await registry.disconnect(userID: userID, projectID: project.id, reason: "your role changed to \(role.rawValue); reconnect")
        return Envelope(try await member(projectID: project.id, userID: userID), message: "role changed", context: context)
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Envelope<NoData> {
        let project = try await projects.project(for: request, context: context)
        let userID: UUID
        if let raw = context.parameters.get("user") {
            userID = try Validation.uuid(raw, field: "userId")
        } else {
            let input = try await request.decode(as: RemoveInput.self, context: context)
            userID = try Validation.uuid(input.userId, field: "userId")
        }
        let caller = try context.requireUser()
        guard project.role.canManage || userID == caller.id else {
            throw APIError.forbidden("only owners can remove other members")
        }
        try Self.check(try await database.members.remove(projectID: project.id, userID: userID))
        await registry.disconnect(userID: userID, projectID: project.id, reason: "you are no longer a member of this project")
        return Envelope(NoData(), message: "member removed", context: context)
    }

    // MARK: - Helpers

    private func member(projectID: UUID, userID: UUID) async throws -> MemberView {
        guard let member = try await database.members.list(projectID: projectID).first(where: { $0.user.id == userID }) else {
            throw APIError(.notFound, code: "MEMBER_NOT_FOUND", "this user is not a member of the project")
        }
        return MemberView(member)
    }

    static func role(_ raw: String?) throws(APIError) -> ProjectRole {
        guard let raw, let role = ProjectRole(rawValue: raw) else {
            throw APIError.validation("role", "role must be one of owner, editor, commenter, viewer")
        }
        return role
    }

    static func check(_ change: MemberRepository.Change) throws(APIError) {
        switch change {
        case .done: return
        case .notMember: throw APIError(.notFound, code: "MEMBER_NOT_FOUND", "this user is not a member of the project")
        case .lastOwner: throw APIError(.conflict, code: "LAST_OWNER", "a project needs at least one owner; make someone else owner first")
        }
    }
}
