import CollabServer
import Foundation
import HTTPTypes
import Hummingbird
import JobKinds
import Jobs
import Logging
import Storage
import Timeline

/// Jobs: create (`POST /api/projects/{id}/jobs {kind, params}`), list per project, get, cancel, retry, their
/// history, and the AI seed calls (`POST /api/ai/generate/script|images|voice|video`).
///
/// Only editors and owners start, cancel and retry jobs; every member sees them. A `render` job without a
/// `version` renders the project as it is at request time: a version is taken then and pinned in the job.
struct JobController: Sendable {
    let database: Database
    let queue: JobQueue
    let kinds: JobKindEnvironment
    let registry: RoomRegistry
    let projects: ProjectController
    let placeholders: JobPlaceholders

    struct CreateInput: Decodable {
        let kind: String?
        let params: JSONValue?
        let maxAttempts: Int?
    }

    func addRoutes(projects group: RouterGroup<AppRequestContext>, jobs: RouterGroup<AppRequestContext>, ai: RouterGroup<AppRequestContext>) {
        group.post("{project}/jobs", use: create)
        group.get("{project}/jobs", use: list)
        jobs.get("{job}", use: show)
        jobs.get("{job}/events", use: events)
        jobs.post("{job}/cancel", use: cancel)
        jobs.post("{job}/retry", use: retry)
        for (path, kind) in [("script", "generate.script"), ("images", "generate.image"), ("voice", "generate.voice"), ("video", "generate.video")] {
            ai.post("generate/\(path)") { request, context in try await generate(kind: kind, request: request, context: context) }
        }
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Envelope<JobView> {
        let project = try await projects.project(for: request, context: context)
        let input = try await request.decode(as: CreateInput.self, context: context)
        guard let kind = input.kind, !kind.isEmpty else { throw APIError.validation("kind", "kind is required, one of \(kinds.kinds.sorted().joined(separator: ", "))") }
        return try await start(kind: kind, params: input.params ?? .object([:]), maxAttempts: input.maxAttempts, project: project, context: context)
    }

    /// `POST /api/ai/generate/…` with `{projectId, …params}`.
    func generate(kind: String, request: Request, context: AppRequestContext) async throws -> Envelope<JobView> {
        let body = try await request.decode(as: JSONValue.self, context: context)
        guard case .object(var params) = body else { throw APIError.validation("body", "the body must be a JSON object") }
        guard case .string(let raw)? = params.removeValue(forKey: "projectId"), let projectID = UUID(uuidString: raw) else {
            throw APIError.validation("projectId", "projectId is required")
        }
        let user = try context.requireUser()
        guard let project = try await database.projects.find(id: projectID, userID: user.id) else { throw APIError.projectNotFound }
        if kind == "generate.voice", params["text"] == nil, let prompt = params["prompt"] { params["text"] = prompt }
        return try await start(kind: kind, params: .object(params), maxAttempts: nil, project: project, context: context)
    }

    private func start(kind: String, params: JSONValue, maxAttempts: Int?, project: Project, context: AppRequestContext) async throws -> Envelope<JobView> {
        guard project.role.canEdit else { throw APIError.forbidden("only editors and owners can start jobs") }
        var params = params
        do {
            try kinds.check(kind: kind, params: kind == "render" ? Self.withPlaceholderVersion(params) : params)
        } catch {
            throw APIError(jobError: error)
        }
        let participant = try await projects.participant(project: project, context: context)
        if kind == "render" { params = try await pinVersion(params, project: project, participant: participant) }
        do {
            let job = try await queue.enqueue(
                JobRequest(kind: kind, params: params, projectID: project.id, createdBy: participant.userID, maxAttempts: maxAttempts ?? 3)
            )
            await placeholders.add(job, by: participant)
            return Envelope(JobView(job), message: "queued", status: .created, context: context)
        } catch let error as JobError {
            throw APIError(jobError: error)
        }
    }

    /// A render renders what the project is at request time: the given version, or one taken now.
    private func pinVersion(_ params: JSONValue, project: Project, participant: Participant) async throws -> JSONValue {
        guard case .object(var object) = params else { return params }
        if case .string(let raw)? = object["version"] {
            guard let id = UUID(uuidString: raw), try await database.versions.find(projectID: project.id, id: id) != nil else {
                throw APIError(.notFound, code: "VERSION_NOT_FOUND", "no such version of this project")
            }
            return params
        }
        let version = try await registry.room(for: project.id).createVersion(kind: .named, label: "Render requested by \(participant.name)", by: participant)
        object["version"] = .string(version.id.uuidString.lowercased())
        return .object(object)
    }

    private static func withPlaceholderVersion(_ params: JSONValue) -> JSONValue {
        guard case .object(var object) = params, object["version"] == nil else { return params }
        object["version"] = .string(UUID().uuidString)
        return .object(object)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Envelope<[JobView]> {
        let project = try await projects.project(for: request, context: context)
        let page = try ProjectController.pageParameter(request, name: "page", default: 1, range: 1...1_000_000)
        let perPage = try ProjectController.pageParameter(request, name: "perPage", default: 20, range: 1...100)
        var filter = JobFilter()
        if let raw = request.uri.queryParameters["status"] {
            let statuses = raw.split(separator: ",").map { JobStatus(rawValue: String($0)) }
            guard statuses.allSatisfy({ $0 != nil }) else {
                throw APIError.validation("status", "status must be a comma-separated list of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.statuses = statuses.compactMap { $0 }
        }
        if let kind = request.uri.queryParameters["kind"] { filter.kind = String(kind) }
        let result = try await queue.list(projectID: project.id, filter: filter, limit: perPage, offset: (page - 1) * perPage)
        return Envelope(result.items.map(JobView.init), pagination: Pagination(page: page, perPage: perPage, total: result.total), context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Envelope<JobView> {
        Envelope(JobView(try await job(for: context).job), context: context)
    }

    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Envelope<[JobEvent]> {
        let found = try await job(for: context)
        return Envelope(try await queue.events(found.job.id), context: context)
    }

    @Sendable func cancel(_ request: Request, context: AppRequestContext) async throws -> Envelope<JobView> {
        let found = try await job(for: context, editing: true)
        do {
            guard let job = try await queue.cancel(found.job.id) else { throw APIError.jobNotFound }
            return Envelope(JobView(job), message: job.status == .cancelled ? "cancelled" : "cancel requested", context: context)
        } catch let error as JobError {
            throw APIError(jobError: error)
        }
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Envelope<JobView> {
        let found = try await job(for: context, editing: true)
        do {
            guard let job = try await queue.retry(found.job.id) else { throw APIError.jobNotFound }
            return Envelope(JobView(job), message: "queued again", context: context)
        } catch let error as JobError {
            throw APIError(jobError: error)
        }
    }

    /// The job in the path, if the caller is a member of its project (else 404, like a missing job).
    private func job(for context: AppRequestContext, editing: Bool = false) async throws -> (job: JobSnapshot, project: Project) {
        let user = try context.requireUser()
        guard let raw = context.parameters.get("job"), let id = UUID(uuidString: raw), let job = try await queue.get(id),
            let projectID = job.projectID, let project = try await database.projects.find(id: projectID, userID: user.id)
        else { throw APIError.jobNotFound }
        if editing, !project.role.canEdit { throw APIError.forbidden("only editors and owners can cancel or retry jobs") }
        return (job, project)
    }
}

extension APIError {
    static let jobNotFound = APIError(.notFound, code: "JOB_NOT_FOUND", "no such job")

    /// A job error as an answer: bad input is 400, a state conflict 409.
    init(jobError error: JobError) {
        let status: HTTPResponse.Status = error.code == .invalidState ? .conflict : .badRequest
        self.init(status, code: error.code.rawValue, error.message)
    }
}
