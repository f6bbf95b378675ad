import Foundation
import Timeline

/// Renders a ``TimelineView`` (a pinned version) to an MP4 at the project's frame rate, in-process.
///
/// ```swift
/// let renderer = TimelineRenderer { assetID in blobStore.path(for: assets[assetID]) }
/// let summary = try await renderer.render(view, to: "/tmp/out.mp4", preset: .final) { p in
///     print(p.fraction ?? 0)
/// }
/// ```
public struct TimelineRenderer: Sendable {
    /// What a render produced.
    public struct Summary: Sendable, Hashable, Codable {
        /// The file written.
        public var path: String
        /// Output width.
        public var width: Int
        /// Output height.
        public var height: Int
        /// Video frames written (the timeline's duration at the project rate).
        public var frames: Int
        /// The output duration.
        public var duration: Flicks
        /// The preset used.
        public var preset: String
    }

    private let resolve: @Sendable (String) -> String?

    /// Creates a renderer.
    /// - Parameter resolve: the media file of an asset id (assets' `uri` is a blob key the caller
    ///   resolves), or nil if it has none.
    public init(resolve: @escaping @Sendable (String) -> String?) {
        self.resolve = resolve
    }

    /// Renders `view` to `path`.
    /// - Parameters:
    ///   - preset: ``RenderPreset/final`` or ``RenderPreset/preview`` (or your own).
    ///   - cancellation: stops the render from elsewhere; cancelling the calling task does too.
    ///   - progress: by output time, about twice a second, on the render thread.
    /// - Throws: ``RenderError``: `SOURCE_MISSING` / `SOURCE_UNDECODABLE` naming the clip and
    ///   asset, `INVALID_REQUEST` for an empty timeline, `CANCELLED`, or an encoder/graph error.
    @discardableResult
    public func render(
        _ view: TimelineView,
        to path: String,
        preset: RenderPreset = .final,
        cancellation: RenderCancellation = RenderCancellation(),
        progress: RenderProgressHandler? = nil
    ) async throws(RenderError) -> Summary {
        let graph = try await self.graph(for: view, preset: preset)
        if Task.isCancelled { throw RenderError(.cancelled, "the render was cancelled") }
        return try await Self.encode(graph, to: path, preset: preset, cancellation: cancellation, progress: progress)
    }

    /// Encodes a timeline's graph, each of its inputs decoded on a thread of its own and fed to
    /// the graph (see docs/render.md, "Decoding").
    static func encode(
        _ graph: TimelineGraph,
        to path: String,
        preset: RenderPreset,
        cancellation: RenderCancellation = RenderCancellation(),
        progress: RenderProgressHandler? = nil
    ) async throws(RenderError) -> Summary {
        let inputs = graph.inputs.map { i in
            FedInput(
                label: i.label,
                kind: i.kind == .video ? .video : .audio,
                path: i.path,
                seek: i.seek,
                startSeconds: i.startSeconds,
                span: i.trimStart.flatMap { start in i.trimDuration.map { FedInput.Span(start: start, duration: $0) } },
                filters: i.decodeFilters.map { FedInput.Filters(description: $0, pixelFormat: i.decodeFormat ?? "yuv420p") },
                decoderOptions: preset.decoderOptions,
                decoderThreads: decoderThreads,
                clip: i.clip,
                asset: i.asset
            )
        }
        let out = try await GraphEncoder.encode(
            graph: graph.fedDescription,
            inputs: inputs,
            to: path,
            format: .mp4,
            settings: preset.encoder,
            expectedDuration: graph.duration,
            cancellation: cancellation,
            progress: progress
        )
        guard out.videoFrames == Int(graph.frames) else {
            try? FileManager.default.removeItem(atPath: path)
            throw RenderError(
                .graphFailed,
                "the render made \(out.videoFrames) of \(graph.frames) frames: a source gave no pictures for its clip (its in point may be past its end)"
            )
        }
        return Summary(path: path, width: graph.width, height: graph.height, frames: out.videoFrames, duration: graph.duration, preset: preset.name)
    }

    /// Resolves and probes every source the render uses, then builds its filter graph (the
    /// graph ``render(_:to:preset:cancellation:progress:)`` encodes; the benchmark hands the
    /// same one to the `ffmpeg` tool).
    public func graph(for view: TimelineView, preset: RenderPreset) async throws(RenderError) -> TimelineGraph {
        var sources: [String: TimelineGraph.Source] = [:]
        for track in view.tracks where Self.isRendered(track) {
            for clip in track.clips where sources[clip.asset] == nil {
                let asset = view.assets.first { $0.id == clip.asset }
                let named = asset.map { $0.name.isEmpty ? clip.asset : "\(clip.asset) (\($0.name))" } ?? clip.asset
                guard asset != nil else {
                    throw RenderError(.sourceMissing, "clip \(clip.id) uses asset \(clip.asset), which is not in the project", clip: clip.id, asset: clip.asset)
                }
                if asset?.kind == .text { continue }
                guard let path = resolve(clip.asset), FileManager.default.isReadableFile(atPath: path) else {
                    throw RenderError(.sourceMissing, "clip \(clip.id) uses asset \(named), whose media file is missing", clip: clip.id, asset: clip.asset)
                }
                do {
                    sources[clip.asset] = TimelineGraph.Source(path: path, info: try await MediaProbe.probe(path: path))
                } catch {
                    throw RenderError(
                        .sourceUndecodable,
                        "clip \(clip.id) uses asset \(named), whose media does not decode: \(error.message)",
                        clip: clip.id,
                        asset: clip.asset
                    )
                }
            }
        }
        var pruned = view
        // Text assets have no media yet: their clips render as gaps.
        for i in pruned.tracks.indices {
            pruned.tracks[i].clips.removeAll { c in view.assets.first { $0.id == c.asset }?.kind == .text }
        }
        return try TimelineGraph(view: pruned, preset: preset, sources: sources)
    }

    /// Threads per source decoder. Every source decodes on a thread of its own, ahead of the
    /// graph, so one decoder thread each keeps the cores busy without frame threading's overhead.
    static let decoderThreads = 1

    static func isRendered(_ track: TrackView) -> Bool {
        switch track.record.kind {
        case .video: !track.record.hidden
        case .audio: !track.record.hidden && !track.record.muted
        }
    }
}
