import CollabServer
import JobKinds
import Render
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Storage
import Timeline

/// Media assets: upload into a project (`POST /api/projects/{id}/assets?name=NAME`), read one
/// (`GET /api/assets/{id}`), its bytes (`…/content`, with byte ranges) and its poster frame (`…/poster`).
///
/// An upload streams to a temporary file while it is hashed, is kept by ``MediaIngest`` (probed, stored
/// under its content hash, poster frame, `assets` row; media that does not decode is refused and nothing
/// is kept), and is added to the live project document through a server-side edit, so every open editor
/// sees it.
struct AssetController: Sendable {
    let database: Database
    let blobs: BlobStore
    let registry: RoomRegistry
    let projects: ProjectController
    let maximumUploadSize: Int

    func addRoutes(projects group: RouterGroup<AppRequestContext>, assets: RouterGroup<AppRequestContext>) {
        group.post("{project}/assets", use: upload)
        group.get("{project}/assets", use: list)
        assets.get("{asset}", use: show)
        assets.get("{asset}/content", use: content)
        assets.get("{asset}/poster", use: poster)
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Envelope<AssetView> {
        let project = try await projects.project(for: request, context: context)
        guard project.role.canEdit else { throw APIError.forbidden("only editors and owners can add media") }
        let upload = try await UploadBody.open(request, context: context)
        let staged: StagedBlob
        do {
            staged = try await upload.stage(into: blobs, limit: maximumUploadSize)
        } catch BlobError.tooLarge(let limit) {
            throw APIError(.contentTooLarge, code: "UPLOAD_TOO_LARGE", "the file is larger than the upload limit of \(limit) bytes (EDITBAY_MAX_UPLOAD_BYTES)")
        }
        let name: String
        do {
            name = try Validation.name(request.uri.queryParameters["name"].map(String.init) ?? upload.fileName, field: "name")
        } catch {
            await blobs.discard(staged)
            throw error
        }
        guard staged.size > 0 else {
            await blobs.discard(staged)
            throw APIError.validation("body", "the upload is empty: send the file as the request body (or as a multipart `file` field)")
        }
        let participant = try await projects.participant(project: project, context: context)
        let asset: MediaIngest.Ingested
        do {
            asset = try await MediaIngest(database: database, blobs: blobs).ingest(
                staged, id: UUID(), projectID: project.id, name: name, mediaType: upload.mediaType,
                origin: ["type": .string("upload")], createdBy: participant.userID
            )
        } catch let error as RenderError {
            throw APIError(.unprocessableContent, code: RenderError.Code.undecodableMedia.rawValue, "the file is not media EditBay can decode: \(error.message)")
        }
        let record = asset.record
        _ = try await registry.room(for: project.id).apply([.addAsset(AddAsset(asset: record))], by: participant, origin: "upload")
        return Envelope(AssetView(asset.row), message: "uploaded", status: .created, context: context)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Envelope<[AssetView]> {
        let project = try await projects.project(for: request, context: context)
        let page = try ProjectController.pageParameter(request, name: "page", default: 1, range: 1...1_000_000)
        let perPage = try ProjectController.pageParameter(request, name: "perPage", default: 50, range: 1...200)
        let result = try await database.assets.list(projectID: project.id, limit: perPage, offset: (page - 1) * perPage)
        return Envelope(result.items.map(AssetView.init), pagination: Pagination(page: page, perPage: perPage, total: result.total), context: context)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Envelope<AssetView> {
        Envelope(AssetView(try await asset(for: context)), context: context)
    }

    @Sendable func content(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asset = try await asset(for: context)
        guard let raw = asset.blobKey, let key = BlobKey(raw) else {
            throw APIError(.notFound, code: "ASSET_HAS_NO_MEDIA", "this asset has no stored media (status \(asset.status))")
        }
        return try await BlobResponse.make(path: blobs.path(for: key), mediaType: asset.mediaType, request: request, context: context)
    }

    @Sendable func poster(_ request: Request, context: AppRequestContext) async throws -> Response {
        let asset = try await asset(for: context)
        let metadata = try? JSONDecoder().decode(AssetMetadata.self, from: Data(asset.metadataJSON.utf8))
        guard let raw = metadata?.poster, let key = BlobKey(raw) else {
            throw APIError(.notFound, code: "NO_POSTER", "this asset has no poster frame (audio and text assets have none)")
        }
        return try await BlobResponse.make(path: blobs.path(for: key), mediaType: "image/jpeg", request: request, context: context)
    }

    /// The asset named in the path, if the caller is a member of its project (otherwise 404, like a missing one).
    private func asset(for context: AppRequestContext) async throws -> AssetRepository.Asset {
        let user = try context.requireUser()
        guard let raw = context.parameters.get("asset"), let id = UUID(uuidString: raw),
            let asset = try await database.assets.find(id: id),
            try await database.projects.find(id: asset.projectID, userID: user.id) != nil
        else { throw APIError(.notFound, code: "ASSET_NOT_FOUND", "no such asset") }
        return asset
    }
}
