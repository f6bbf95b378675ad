import Foundation
import Jobs
import Render
import Storage
import Timeline

/// Keeps a job's output: the file goes to the blob store, its metadata to `assets`, and an `addAsset`
/// operation is made for the landing. The asset's id is the job's id, so a job that runs twice stores one
/// asset and lands it once.
struct OutputStore {
    let environment: JobKindEnvironment

    /// What the job produced, ready to land.
    struct StoredOutput {
        let record: AssetRecord
        let blob: StoredBlob
        var assetID: String { record.id }
    }

    /// Stores the media file at `path` as the job's asset.
    /// - Parameters:
    ///   - kind: forced for text; otherwise taken from the probe (video, audio or image).
    ///   - origin: extra fields for the asset's `origin` beside `{type: job, job}`.
    func store(
        _ path: String, for job: JobSnapshot, name: String, mediaType: String, kind: AssetKind? = nil, origin extra: JSONObject = [:]
    ) async throws -> StoredOutput {
        guard let projectID = job.projectID else { throw JobError(.invalidParams, "the job has no project to add its output to") }
        var record = AssetRecord(id: job.id.uuidString.lowercased(), kind: kind ?? .video, name: name, status: .ready)
        var metadata = StoredMetadata()
        if kind != .text {
            let info = try await MediaProbe.probe(path: path)
            record.kind = switch info.kind {
            case .video: .video
            case .audio: .audio
            case .image: .image
            }
            record.duration = info.kind == .image ? nil : info.duration
            record.width = info.video.map { Int64($0.width) }
            record.height = info.video.map { Int64($0.height) }
            record.rate = info.kind == .video ? info.video?.frameRate : nil
            record.hasAudio = info.hasAudio
            metadata = StoredMetadata(
                duration: record.duration?.value, width: record.width, height: record.height, rate: record.rate, hasAudio: info.hasAudio
            )
        }
        let staged = try await environment.blobs.stage(fileAt: path)
        let blob = try await environment.blobs.commit(staged)
        record.uri = blob.key.description
        var origin: JSONObject = ["type": .string("job"), "job": .string(job.id.uuidString.lowercased()), "kind": .string(job.kind)]
        origin.merge(extra) { _, new in new }
        record.origin = origin
        if record.kind == .video || record.kind == .image, let poster = await poster(for: blob) { metadata.poster = poster }
        try await environment.database.assets.create(
            .init(
                id: job.id, projectID: projectID, kind: record.kind.rawValue, name: name, blobKey: blob.key.description,
                mediaType: mediaType, byteSize: Int64(blob.size), metadataJSON: String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self),
                originJobID: job.id, createdBy: job.createdBy
            )
        )
        return StoredOutput(record: record, blob: blob)
    }

    /// The `assets.metadata` keys the API reads (`AssetView`).
    struct StoredMetadata: Encodable {
        var duration: Int64?
        var width: Int64?
        var height: Int64?
        var rate: FrameRate?
        var hasAudio: Bool?
        var poster: String?
    }

    private func poster(for blob: StoredBlob) async -> String? {
        let temporary = NSTemporaryDirectory() + "editbay-poster-\(UUID().uuidString).jpg"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            _ = try await Thumbnailer.writePoster(from: blob.path, to: temporary, maxWidth: 480)
            return try await environment.blobs.commit(try await environment.blobs.stage(fileAt: temporary)).key.description
        } catch {
            return nil
        }
    }

    /// The media file of an asset in the blob store (nil when it has no stored media).
    static func path(of asset: AssetRecord, in blobs: BlobStore) -> String? {
        if let key = BlobKey(asset.uri) { return blobs.path(for: key) }
        if asset.uri.hasPrefix("file://") { return URL(string: asset.uri)?.path }
        if asset.uri.hasPrefix("/") { return asset.uri }
        return nil
    }
}

extension EditOperation {
    /// The operation in its JSON form, for a ``LandingRequest``.
    var landingJSON: JSONValue { .object(jsonObject) }
}
