import Foundation

/// Poster-frame thumbnails.
public enum Thumbnailer {
    /// Writes a poster frame of `input` to `output` (`.jpg` or `.png`): the frame at 1 s (the
    /// first frame for media shorter than 2 s and for images), upright, scaled down to at most
    /// `maxWidth` pixels wide keeping the aspect ratio (never scaled up).
    /// - Returns: the media's probe result.
    /// - Throws: ``RenderError`` `UNDECODABLE_MEDIA` for audio-only or undecodable media, `FILE_NOT_FOUND`.
    @discardableResult
    public static func writePoster(from input: String, to output: String, maxWidth: Int = 480) async throws(RenderError) -> MediaInfo {
        let info = try await MediaProbe.probe(path: input)
        guard let video = info.video, video.width > 0, video.height > 0 else {
            throw RenderError(.undecodableMedia, "\(URL(fileURLWithPath: input).lastPathComponent) has no picture to make a poster from")
        }
        guard let format = OutputFormat(pathExtension: URL(fileURLWithPath: output).pathExtension), format.isImage else {
            throw RenderError(.invalidRequest, "a poster is written as .jpg or .png, not \(output)")
        }
        let turned = video.rotation == 90 || video.rotation == 270
        let (w, h) = turned ? (video.height, video.width) : (video.width, video.height)
        let width = max(2, min(maxWidth, w) / 2 * 2)
        let height = max(2, Int((Double(h) * Double(width) / Double(w)).rounded()) / 2 * 2)
        let seek = info.kind != .image && (info.durationSeconds ?? 0) >= 2 ? ":sp=1" : ""
        var chain = ["movie=filename=\(FilterSyntax.escape(input))\(seek)"]
        if let turn = FilterSyntax.upright(video.rotation) { chain.append(turn) }
        chain.append("scale=\(width):\(height),setsar=1")
        try await GraphEncoder.encode(graph: chain.joined(separator: ",") + "[vout]", to: output, format: format)
        return info
    }
}
