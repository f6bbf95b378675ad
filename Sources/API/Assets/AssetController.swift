import CollabServer
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
/// An upload streams to a temporary file while it is hashed, is probed (media that does not decode is
/// refused and nothing is kept), moves to the blob store under its content hash, gets a poster frame,
/// and is added to the live project document through a server-side edit, so every open editor sees it.
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
        let media: InspectedMedia
        do {
            media = try await MediaInspection.inspect(path: staged.temporaryPath)
        } catch {
            await blobs.discard(staged)
            throw error
        }
        let stored = try await blobs.commit(staged)
        let posterKey = await makePoster(for: stored, media: media, logger: context.logger)
        let metadata = AssetMetadata(
            duration: media.duration?.value, width: media.width, height: media.height, rate: media.rate,
            hasAudio: media.hasAudio, poster: posterKey?.description, probe: media.details
        )
        let participant = try await projects.participant(project: project, context: context)
        let asset = try await database.assets.create(
            .init(
                projectID: project.id, kind: media.kind.rawValue, name: name, blobKey: stored.key.description,
                mediaType: upload.mediaType ?? media.mediaType, byteSize: Int64(stored.size),
                metadataJSON: String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self), createdBy: participant.userID
            )
        )
        let record = AssetRecord(
            id: asset.id.apiString, kind: media.kind, name: name, uri: stored.key.description, duration: media.duration,
            width: media.width, height: media.height, rate: media.rate, hasAudio: media.hasAudio, status: .ready,
            origin: ["type": .string("upload")]
        )
        _ = try await registry.room(for: project.id).apply([.addAsset(AddAsset(asset: record))], by: participant, origin: "upload")
        return Envelope(AssetView(asset), message: "uploaded", status: .created, context: context)
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

    /// A poster frame for pictures (nil for sound, or if it could not be made: the asset is still usable).
    private func makePoster(for blob: StoredBlob, media: InspectedMedia, logger: Logger) async -> BlobKey? {
        guard media.kind == .video || media.kind == .image else { return nil }
        let temporary = NSTemporaryDirectory() + "editbay-poster-\(UUID().uuidString).jpg"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            try await MediaInspection.writePoster(from: blob.path, to: temporary)
            let staged = try await blobs.stage(fileAt: temporary)
            return try await blobs.commit(staged).key
        } catch {
            logger.warning("no poster frame", metadata: ["blob": "\(blob.key)", "error": "\(error)"])
            return nil
        }
    }
}
