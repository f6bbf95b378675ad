import API
import ArgumentParser
import Foundation
import Render
import Storage
import Timeline

/// `editbay render IN.otio|IN.json -o OUT.mp4 [--preset final|preview]`: renders a timeline file offline,
/// in-process with FFmpeg's libraries, printing progress.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render an OpenTimelineIO (.otio) or EditBay JSON (.json) timeline to MP4 (H.264 + AAC).",
        discussion: """
            Media references are resolved as: file:// URLs and absolute paths as they are, relative paths from the \
            timeline file's folder, and sha256: blob keys from the blob store of --data-dir (EDITBAY_BLOB_DIR). \
            Presets: final (project size, x264 veryfast CRF 20, AAC 192 kb/s) and preview (at most 360 lines, ultrafast).
            """
    )

    @Argument(help: "The timeline (.otio or .json).") var input: String
    @Option(name: .shortAndLong, help: "The MP4 file to write.") var output: String
    @Option(help: "final or preview.") var preset: String = "final"
    @Option(name: .long, help: "Data directory whose blob store holds sha256: media (default ./.editbay).") var dataDir: String = ".editbay"

    func run() async throws {
        guard let chosen = RenderPreset.named(preset) else {
            throw ValidationError("--preset must be one of \(RenderPreset.all.map(\.name).joined(separator: ", "))")
        }
        guard let format = TimelineConverter.Format(fileName: input) else { throw ValidationError("cannot tell the format of \(input): use .otio or .json") }
        guard let data = FileManager.default.contents(atPath: input) else { throw ValidationError("cannot read \(input)") }
        let view: TimelineView
        do {
            view = try TimelineConverter.read(data, as: format)
        } catch {
            throw ValidationError("\(input): \(error)")
        }
        let base = URL(fileURLWithPath: input).deletingLastPathComponent()
        let blobRoot = ProcessInfo.processInfo.environment["EDITBAY_BLOB_DIR"] ?? (dataDir + "/blobs")
        let assets = Dictionary(view.assets.map { ($0.id, $0.uri) }, uniquingKeysWith: { first, _ in first })
        let renderer = TimelineRenderer { assetID in
            guard let uri = assets[assetID], !uri.isEmpty else { return nil }
            return Self.path(of: uri, base: base, blobRoot: blobRoot)
        }
        let started = ContinuousClock.now
        let total = view.duration.seconds
        do {
            let summary = try await renderer.render(view, to: output, preset: chosen) { progress in
                let percent = total > 0 ? Int((progress.outputSeconds / total * 100).rounded()) : 0
                FileHandle.standardError.write(Data(String(format: "\rrendering %6.1f s / %.1f s (%3d%%)", progress.outputSeconds, total, percent).utf8))
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            FileHandle.standardError.write(Data("\n".utf8))
            print("wrote \(output): \(summary.width)x\(summary.height), \(summary.frames) frames, \(String(format: "%.3f", summary.duration.seconds)) s in \(String(format: "%.1f", seconds)) s (\(chosen.name))")
        } catch {
            FileHandle.standardError.write(Data("\n".utf8))
            throw ValidationError("render failed: \(error)")
        }
    }

    static func path(of uri: String, base: URL, blobRoot: String) -> String? {
        if let key = BlobKey(uri) { return URL(fileURLWithPath: blobRoot).appendingPathComponent("sha256/\(key.hex.prefix(2))/\(key.hex)").path }
        if uri.hasPrefix("file://") { return URL(string: uri)?.path }
        if uri.hasPrefix("/") { return uri }
        if uri.contains("://") { return nil }
        return base.appendingPathComponent(uri).path
    }
}
