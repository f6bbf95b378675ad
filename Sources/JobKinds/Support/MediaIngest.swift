import Foundation
import Render
import Storage
import Timeline

/// Keeps a media file as an asset of a project, the same way for uploads and for job outputs: probed
/// (media that does not decode is refused and nothing is kept), moved into the blob store under its
/// SHA-256, given a poster frame (pictures), and recorded in `assets`. Returns the record the project
/// document gets (the caller adds it with a server-side edit or a job landing).
public struct MediaIngest: Sendable {
    public let database: Database
    public let blobs: BlobStore

    public init(database: Database, blobs: BlobStore) {
        self.database = database
        self.blobs = blobs
    }

    /// What was kept.
    public struct Ingested: Sendable {
        /// The asset as the project document holds it (status `ready`).
        public let record: AssetRecord
        /// The `assets` row.
        public let row: AssetRepository.Asset
        public let blob: StoredBlob
    }

    /// Keeps `staged` as asset `id` of `projectID`; the staged file is consumed (kept or discarded).
    /// - Parameters:
    ///   - kind: `text` keeps the file unprobed; nil takes the kind from the probe (video, audio, image).
    ///   - mediaType: the declared one; nil derives it from the probe.
    ///   - origin: the asset's `origin` in the document (`{type: upload}` or `{type: job, …}`).
    /// - Throws: ``RenderError`` `UNDECODABLE_MEDIA` (or `FILE_NOT_FOUND`) when the file is not media.
    public func ingest(
        _ staged: StagedBlob, id: UUID, projectID: UUID, name: String, mediaType: String?, kind: AssetKind? = nil,
        origin: JSONObject, originJob: UUID? = nil, createdBy: UUID?
    ) async throws -> Ingested {
        var record = AssetRecord(id: id.uuidString.lowercased(), kind: kind ?? .video, name: name, status: .ready, origin: origin)
        var metadata = AssetMetadata()
        var type = mediaType
        if kind != .text {
            let info: MediaInfo
            do {
                info = try await MediaProbe.probe(path: staged.temporaryPath)
            } catch {
                await blobs.discard(staged)
                throw error
            }
            record.kind = Self.assetKind(info.kind)
            record.duration = info.kind == .image ? nil : info.duration
            // Rotated phone video plays upright: the displayed size.
            let turned = info.video.map { abs($0.rotation) % 180 == 90 } ?? false
            record.width = (turned ? info.video?.height : info.video?.width).map(Int64.init)
            record.height = (turned ? info.video?.width : info.video?.height).map(Int64.init)
            record.rate = info.kind == .video ? info.video?.frameRate : nil
            record.hasAudio = info.hasAudio
            type = type ?? Self.mediaType(record.kind, container: info.container, codec: info.video?.codec ?? info.audio?.codec)
            metadata = AssetMetadata(
                duration: record.duration?.value, width: record.width, height: record.height, rate: record.rate, hasAudio: info.hasAudio,
                probe: (try? JSONEncoder().encode(info)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
            )
        }
        let blob = try await blobs.commit(staged)
        record.uri = blob.key.description
        if record.kind == .video || record.kind == .image { metadata.poster = await poster(for: blob)?.description }
        let row = try await database.assets.create(
            .init(
                id: id, projectID: projectID, kind: record.kind.rawValue, name: name, blobKey: blob.key.description,
                mediaType: type ?? "application/octet-stream", byteSize: Int64(blob.size),
                metadataJSON: String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self), originJobID: originJob, createdBy: createdBy
            )
        )
        return Ingested(record: record, row: row, blob: blob)
    }

    /// A JPEG poster frame in the blob store (nil if none could be made: the asset is usable without).
    private func poster(for blob: StoredBlob) async -> BlobKey? {
        let temporary = NSTemporaryDirectory() + "editbay-poster-\(UUID().uuidString).jpg"
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        do {
            _ = try await Thumbnailer.writePoster(from: blob.path, to: temporary, maxWidth: 480)
            return try await blobs.commit(try await blobs.stage(fileAt: temporary)).key
        } catch {
            return nil
        }
    }

    static func assetKind(_ kind: MediaInfo.Kind) -> AssetKind {
        switch kind {
        case .video: .video
        case .audio: .audio
        case .image: .image
        }
    }

    /// A media type from what the probe found.
    static func mediaType(_ kind: AssetKind, container: String, codec: String?) -> String {
        let names = container.split(separator: ",").map(String.init)
        if names.contains("mp4") || names.contains("mov") { return kind == .audio ? "audio/mp4" : "video/mp4" }
        if names.contains("matroska") || names.contains("webm") { return kind == .audio ? "audio/webm" : "video/webm" }
        if names.contains("wav") { return "audio/wav" }
        if names.contains("mp3") { return "audio/mpeg" }
        if names.contains("ogg") { return "audio/ogg" }
        switch codec {
        case "png": return "image/png"
        case "mjpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        default: return "application/octet-stream"
        }
    }
}

/// What the `assets.metadata` column holds: the probe's findings and the poster frame's blob.
public struct AssetMetadata: Codable, Sendable {
    public var duration: Int64?
    public var width: Int64?
    public var height: Int64?
    public var rate: FrameRate?
    public var hasAudio: Bool?
    /// Blob key of the poster frame (JPEG).
    public var poster: String?
    /// Container, codecs, sample rate, channels, rotation as the probe reported them.
    public var probe: Timeline.JSONValue?

    public init(
        duration: Int64? = nil, width: Int64? = nil, height: Int64? = nil, rate: FrameRate? = nil, hasAudio: Bool? = nil,
        poster: String? = nil, probe: Timeline.JSONValue? = nil
    ) {
        self.duration = duration
        self.width = width
        self.height = height
        self.rate = rate
        self.hasAudio = hasAudio
        self.poster = poster
        self.probe = probe
    }
}
