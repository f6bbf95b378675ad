import CFFmpeg
import Foundation

/// Decodes one ``FedInput`` on a thread of its own, ahead of the graph, into a bounded
/// ``FrameQueue``; the graph thread takes the frames and adds them to the input's `buffer` source.
///
/// The worker object itself is used only by the graph thread; the decode thread shares nothing
/// with it but the queue and a completion semaphore.
final class DecodeWorker {
    /// The stream it decodes.
    let input: FedInput
    private let queue: FrameQueue
    private let done = DispatchSemaphore(value: 0)
    /// True once its thread was started.
    private(set) var started = false
    /// True once the end of its stream was handed to the graph.
    private(set) var ended = false
    /// The last timestamp handed to the graph (for the end-of-stream status, as `movie` sets it).
    private var lastPTS = FFmpegCall.noPTS

    private let stream: SourceDecoder.StreamInfo

    /// Bytes of decoded frames a worker may hold ahead of the graph: 23 pictures (0.8 s) at
    /// 360p, 2 at 1080p. Deeper queues of large pictures cost the final render CPU (frames
    /// fall out of the shared cache before the graph and x264 read them: with 8 frames of 1080p
    /// a final render used 5–10 % more CPU than the `ffmpeg` tool, with 2 the same).
    static let queueBytes = 8 << 20
    /// At most this many frames ahead (small frames, sound).
    static let queueFrames = 64

    /// Prepares a worker for `input`, a stream described by `stream`, whose frames (as the
    /// graph receives them) are about `frameBytes` each.
    init(input: FedInput, stream: SourceDecoder.StreamInfo, frameBytes: Int) {
        self.input = input
        self.stream = stream
        queue = FrameQueue(capacity: min(Self.queueFrames, max(2, Self.queueBytes / max(1, frameBytes))))
    }

    deinit { stop() }

    /// Starts decoding (once).
    func start() {
        guard !started else { return }
        started = true
        let input = input
        let stream = stream
        let queue = queue
        let done = done
        let thread = Thread {
            Self.decode(input, stream, into: queue)
            done.signal()
        }
        thread.name = "editbay.decode"
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Waits for the next frame (starting the worker if needed) and adds it to `source`, or
    /// closes `source` at the end of the stream.
    /// - Throws: ``RenderError`` `SOURCE_UNDECODABLE` naming the clip, `CANCELLED`, or `GRAPH_FAILED` if the graph refuses the frame.
    func feed(_ source: UnsafeMutablePointer<AVFilterContext>, cancellation: RenderCancellation) throws(RenderError) {
        guard !ended else { return }
        start()
        while true {
            if cancellation.isCancelled { throw RenderError(.cancelled, "the render was cancelled") }
            switch queue.pop(timeout: .milliseconds(100)) {
            case .timedOut:
                continue
            case .frame(let frame):
                var f: UnsafeMutablePointer<AVFrame>? = frame
                defer { av_frame_free(&f) }
                if frame.pointee.pts != FFmpegCall.noPTS { lastPTS = frame.pointee.pts }
                try FFmpegCall.check(av_buffersrc_add_frame_flags(source, frame, 0), .graphFailed, "feeding \(input.label) to the filter graph")
                return
            case .end:
                ended = true
                try FFmpegCall.check(av_buffersrc_close(source, lastPTS, 0), .graphFailed, "ending \(input.label)")
                return
            case .failed(let error):
                ended = true
                throw input.failure(error)
            }
        }
    }

    /// Stops the thread (if started) and waits for it; frames not yet taken are freed.
    func stop() {
        queue.close()
        if started {
            done.wait()
            started = false
        }
    }

    /// Seconds past the end of the media a chain keeps that the worker still decodes: the
    /// chain's `trim` ends at its first frame's time plus its duration, and that first frame may
    /// come a little after the trim's start.
    static let spanMargin = 0.1

    /// The decode thread's body: open, decode into the queue until the end (of the stream, or
    /// of the media its chain keeps), a failure, or the queue is closed.
    private static func decode(_ input: FedInput, _ stream: SourceDecoder.StreamInfo, into queue: FrameQueue) {
        do throws(RenderError) {
            let decoder = try SourceDecoder(path: input.path, kind: input.kind, known: stream, seek: input.seek)
            try decoder.openDecoder(options: input.decoderOptions, threads: input.decoderThreads)
            let pictures = try input.filters.map { f throws(RenderError) in try PictureFilter(f, stream: stream.parameters) }
            let timeBase = av_q2d(stream.parameters.timeBase)
            // Pictures before the trim's start are dropped here (the trim would drop them): not filtered for nothing.
            let dropBefore = input.kind == .video ? input.span.map { $0.start - 0.001 } : nil
            var end: Double?
            while true {
                guard let frame = av_frame_alloc() else { throw RenderError(.sourceUndecodable, "out of memory") }
                var owned: UnsafeMutablePointer<AVFrame>? = frame
                defer { av_frame_free(&owned) }
                guard try decoder.receive(into: frame) else {
                    queue.finish()
                    return
                }
                var last = false
                if let span = input.span, frame.pointee.pts != FFmpegCall.noPTS {
                    let t = Double(frame.pointee.pts) * timeBase
                    if let dropBefore, t < dropBefore { continue }
                    if end == nil && t >= span.start - 1e-6 { end = t + span.duration + spanMargin }
                    if let end, t >= end { last = true }
                }
                if let pictures {
                    guard try pictures.filter(frame, emit: { queue.push($0) }) else { return }
                } else {
                    // The queue owns the frame from here, unless it was closed.
                    guard queue.push(frame) else { return }
                    owned = nil
                }
                if last {
                    queue.finish()
                    return
                }
            }
        } catch {
            queue.finish(failure: error)
        }
    }
}
