import Foundation
import HTTPTypes
import Render
import Timeline

/// What an upload turned out to be, in the terms of the project document.
struct InspectedMedia: Sendable {
    var kind: AssetKind
    var duration: Flicks?
    var width: Int64?
    var height: Int64?
    var rate: FrameRate?
    var hasAudio: Bool
    /// The media type to serve it with when the client declared none.
    var mediaType: String
    /// The probe's full report, kept in the asset's metadata.
    var details: JSONValue?
}

/// Probing and poster frames for uploads, through the Render module's libav layer.
enum MediaInspection {
    /// Probes the file; media that does not decode is refused with 422 `UNDECODABLE_MEDIA`.
    static func inspect(path: String) async throws -> InspectedMedia {
        do {
            return InspectedMedia(try await MediaProbe.probe(path: path))
        } catch {
            throw APIError(.unprocessableContent, code: RenderError.Code.undecodableMedia.rawValue, "the file is not media EditBay can decode: \(error.message)")
        }
    }

    /// Writes a JPEG poster frame of a picture or video file.
    static func writePoster(from path: String, to output: String) async throws {
        _ = try await Thumbnailer.writePoster(from: path, to: output, maxWidth: 480)
    }
}

extension InspectedMedia {
    init(_ info: MediaInfo) {
        let kind: AssetKind =
            switch info.kind {
            case .video: .video
            case .audio: .audio
            case .image: .image
            }
        // Rotated phone video plays upright: report the displayed size.
        let turned = info.video.map { abs($0.rotation) % 180 == 90 } ?? false
        self.init(
            kind: kind,
            duration: kind == .image ? nil : info.duration,
            width: (turned ? info.video?.height : info.video?.width).map(Int64.init),
            height: (turned ? info.video?.width : info.video?.height).map(Int64.init),
            rate: kind == .video ? info.video?.frameRate : nil,
            hasAudio: info.hasAudio,
            mediaType: Self.mediaType(kind: kind, container: info.container, codec: info.video?.codec ?? info.audio?.codec),
            details: (try? JSONEncoder().encode(info)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
        )
    }

    /// A media type from what the probe found (used when the client declared none).
    static func mediaType(kind: AssetKind, container: String, codec: String?) -> String {
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
