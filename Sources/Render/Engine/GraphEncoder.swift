import CFFmpeg
import Foundation
import Timeline

/// Encodes a libavfilter graph description into a file, in-process.
///
/// The graph uses source filters (`movie=`, `amovie=`, `color=`, `testsrc2=`, `sine=`, …) and
/// labels its open outputs `[vout]` (video) and/or `[aout]` (audio), for example
/// `"testsrc2=s=320x240:r=30:d=2[vout];sine=f=440:d=2[aout]"`. Every other part of this module
/// (timeline renders, thumbnails, generators) is built on it, and it is public so callers can
/// build their own generators.
///
/// The pull loop and the encoders run on a dedicated thread, never on the Swift cooperative
/// pool. Cancelling the calling task (or the ``RenderCancellation``) stops the loop between
/// frames; the partial output is removed.
public enum GraphEncoder {
    /// What an encode produced.
    public struct Summary: Sendable, Hashable, Codable {
        /// The file written.
        public var path: String
        /// Video frames encoded.
        public var videoFrames: Int
        /// The output length in seconds (the end of the last frame or sample).
        public var seconds: Double
    }

    /// Encodes `graph` into `path`.
    /// - Parameters:
    ///   - graph: a filter graph description with `[vout]` and/or `[aout]` outputs.
    ///   - path: the output file; written under a temporary name and renamed when complete.
    ///   - format: the output kind; by default taken from the path's extension.
    ///   - settings: encoder settings.
    ///   - expectedDuration: the output length, if known, for ``RenderProgress/fraction``.
    ///   - cancellation: a flag to stop the render from elsewhere; task cancellation also sets it.
    ///   - progress: called on the render thread about twice a second and once at the end.
    /// - Throws: ``RenderError`` (`GRAPH_FAILED`, `ENCODER_FAILED`, `OUTPUT_FAILED`, `CANCELLED`, `INVALID_REQUEST`).
    @discardableResult
    public static func encode(
        graph: String,
        to path: String,
        format: OutputFormat? = nil,
        settings: EncoderSettings = EncoderSettings(),
        expectedDuration: Flicks? = nil,
        cancellation: RenderCancellation = RenderCancellation(),
        progress: RenderProgressHandler? = nil
    ) async throws(RenderError) -> Summary {
        try await encode(
            graph: graph,
            inputs: [],
            to: path,
            format: format,
            settings: settings,
            expectedDuration: expectedDuration,
            cancellation: cancellation,
            progress: progress
        )
    }

    /// ``encode(graph:to:format:settings:expectedDuration:cancellation:progress:)`` for a graph
    /// whose open inputs are `inputs`, each fed by its own decode thread.
    static func encode(
        graph: String,
        inputs: [FedInput],
        to path: String,
        format: OutputFormat? = nil,
        settings: EncoderSettings = EncoderSettings(),
        expectedDuration: Flicks? = nil,
        cancellation: RenderCancellation = RenderCancellation(),
        progress: RenderProgressHandler? = nil
    ) async throws(RenderError) -> Summary {
        let result = await RenderThread.run(name: "editbay.render", cancellation: cancellation) {
            Result { () throws(RenderError) -> Summary in
                try encodeBlocking(
                    graph: graph,
                    inputs: inputs,
                    to: path,
                    format: format,
                    settings: settings,
                    expectedDuration: expectedDuration,
                    cancellation: cancellation,
                    progress: progress
                )
            }
        }
        return try result.get()
    }

    /// The blocking form of ``encode(graph:to:format:settings:expectedDuration:cancellation:progress:)``:
    /// call it only from a thread you own (never from the cooperative pool).
    public static func encodeBlocking(
        graph description: String,
        to path: String,
        format: OutputFormat? = nil,
        settings: EncoderSettings = EncoderSettings(),
        expectedDuration: Flicks? = nil,
        cancellation: RenderCancellation = RenderCancellation(),
        progress: RenderProgressHandler? = nil
    ) throws(RenderError) -> Summary {
        try encodeBlocking(
            graph: description,
            inputs: [],
            to: path,
            format: format,
            settings: settings,
            expectedDuration: expectedDuration,
            cancellation: cancellation,
            progress: progress
        )
    }

    /// The blocking form of ``encode(graph:inputs:to:format:settings:expectedDuration:cancellation:progress:)``.
    static func encodeBlocking(
        graph description: String,
        inputs: [FedInput],
        to path: String,
        format: OutputFormat? = nil,
        settings: EncoderSettings = EncoderSettings(),
        expectedDuration: Flicks? = nil,
        cancellation: RenderCancellation = RenderCancellation(),
        progress: RenderProgressHandler? = nil
    ) throws(RenderError) -> Summary {
        let url = URL(fileURLWithPath: path)
        guard let output = format ?? OutputFormat(pathExtension: url.pathExtension) else {
            throw RenderError(.invalidRequest, "cannot tell the output format of \(path); use .mp4, .png, .jpg, .m4a or .wav")
        }
        let partial = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: partial) }
        if cancellation.isCancelled { throw RenderError(.cancelled, "the render was cancelled") }

        var formats = FilterGraph.SinkFormats()
        switch output {
        case .png: formats.pixelFormat = AV_PIX_FMT_RGB24
        case .jpeg: formats.pixelFormat = AV_PIX_FMT_YUVJ420P
        case .wav: formats.sampleFormat = AV_SAMPLE_FMT_S16
        default: break
        }
        let feeding = try Feeding(inputs: inputs)
        defer { feeding.stop() }
        let graph = try FilterGraph(description: description, formats: formats, threads: Int32(settings.filterThreads), inputs: feeding.sourceArguments)
        if output.hasVideo && graph.videoSink == nil { throw RenderError(.invalidRequest, "\(output.rawValue) output needs a [vout] in the graph") }
        if !output.hasVideo && graph.videoSink != nil { throw RenderError(.invalidRequest, "\(output.rawValue) output takes no video; remove [vout]") }
        if !output.hasAudio && graph.audioSink != nil { throw RenderError(.invalidRequest, "\(output.rawValue) output takes no audio; remove [aout]") }
        if output == .m4a || output == .wav, graph.audioSink == nil { throw RenderError(.invalidRequest, "\(output.rawValue) output needs an [aout]") }

        let writer = try MediaWriter(path: partial, output: output, graph: graph, settings: settings)
        try pump(graph: graph, feeding: feeding, writer: writer, expectedDuration: expectedDuration, cancellation: cancellation, progress: progress)
        try writer.finish()
        let seconds = writer.endSeconds
        let frames = writer.videoFrames
        if output.isImage && frames == 0 { throw RenderError(.graphFailed, "the graph produced no video frame") }
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            throw RenderError(.outputFailed, "moving the finished file to \(path): \(error)")
        }
        progress?(RenderProgress(outputTime: (try? Flicks(seconds: seconds)) ?? .zero, totalTime: expectedDuration, frames: frames))
        return Summary(path: path, videoFrames: frames, seconds: seconds)
    }

    /// The pull loop: request the oldest sink's next frame (feeding the source the graph waits
    /// for most, as the `ffmpeg` tool does), drain both sinks, encode, report.
    private static func pump(
        graph: FilterGraph,
        feeding: Feeding,
        writer: MediaWriter,
        expectedDuration: Flicks?,
        cancellation: RenderCancellation,
        progress: RenderProgressHandler?
    ) throws(RenderError) {
        guard let frame = av_frame_alloc() else { throw RenderError(.graphFailed, "out of memory") }
        defer {
            var f: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&f)
        }
        let clock = ContinuousClock()
        var lastReport = clock.now
        let imageOnly = writer.output.isImage
        feeding.startDue(at: 0)
        var running = true
        while running {
            if cancellation.isCancelled { throw RenderError(.cancelled, "the render was cancelled") }
            switch try graph.step() {
            case .ended: running = false
            case .ran: break
            case .needsInput: try feeding.feedNeediest(graph, cancellation: cancellation)
            }
            if let sink = graph.videoSink {
                while try graph.take(from: sink, into: frame) {
                    defer { av_frame_unref(frame) }
                    try writer.write(video: frame)
                    if imageOnly { return }
                }
            }
            if let sink = graph.audioSink {
                while try graph.take(from: sink, into: frame) {
                    defer { av_frame_unref(frame) }
                    try writer.write(audio: frame)
                }
            }
            feeding.startDue(at: writer.endSeconds)
            if let progress, clock.now - lastReport >= .milliseconds(500) {
                lastReport = clock.now
                let t = (try? Flicks(seconds: writer.endSeconds)) ?? .zero
                progress(RenderProgress(outputTime: t, totalTime: expectedDuration, frames: writer.videoFrames))
            }
        }
    }
}
