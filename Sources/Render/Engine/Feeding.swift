import CFFmpeg

/// The decode workers of one encode: their `buffer`/`abuffer` arguments, when each starts, and
/// which one the graph gets its next frame from.
///
/// Thread-confined to the graph thread (the workers' own threads only touch their queues).
final class Feeding {
    /// Workers start this many output seconds before the graph first reads their stream, so the
    /// file is open, seeked and a few frames decoded when it does.
    static let lookahead = 3.0

    private let workers: [DecodeWorker]
    /// Indices of workers not started yet, latest first (started from the end).
    private var pending: [Int]
    /// For each open input's label, the source filter and its arguments.
    let sourceArguments: [String: (filter: String, arguments: String)]

    /// Reads each input's stream parameters (one open per file and kind) and prepares its worker.
    /// - Throws: ``RenderError`` `SOURCE_UNDECODABLE` naming the clip of an input that does not open.
    init(inputs: [FedInput]) throws(RenderError) {
        var streams: [String: SourceDecoder.StreamInfo] = [:]
        var arguments: [String: (filter: String, arguments: String)] = [:]
        var workers: [DecodeWorker] = []
        for input in inputs {
            let key = "\(input.kind.rawValue):\(input.path)"
            let stream: SourceDecoder.StreamInfo
            if let known = streams[key] {
                stream = known
            } else {
                do {
                    stream = try SourceDecoder.inspect(path: input.path, kind: input.kind)
                } catch {
                    throw input.failure(error)
                }
                streams[key] = stream
            }
            var frameBytes = stream.parameters.kind == .video ? Int(stream.parameters.width) * Int(stream.parameters.height) * 3 / 2 : 8192
            if let filters = input.filters {
                // The decode thread's filters decide what the graph receives.
                let pictures = try PictureFilter(filters, stream: stream.parameters)
                arguments[input.label] = pictures.outputBuffer
                frameBytes = pictures.outputFrameBytes
            } else {
                arguments[input.label] = stream.parameters.buffer
            }
            workers.append(DecodeWorker(input: input, stream: stream, frameBytes: frameBytes))
        }
        self.workers = workers
        self.sourceArguments = arguments
        pending = workers.indices.sorted { workers[$0].input.startSeconds > workers[$1].input.startSeconds }
    }

    /// Starts the workers whose streams the graph reads within ``lookahead`` of output second `seconds`.
    func startDue(at seconds: Double) {
        while let last = pending.last, workers[last].input.startSeconds <= seconds + Self.lookahead {
            workers[last].start()
            pending.removeLast()
        }
    }

    /// Feeds one frame (or the end) to the source the graph has asked for most often in vain, as
    /// the `ffmpeg` tool chooses; if none has, to the earliest one not ended.
    /// - Throws: ``RenderError`` from the worker, or `GRAPH_FAILED` if every source ended and the graph still waits.
    func feedNeediest(_ graph: FilterGraph, cancellation: RenderCancellation) throws(RenderError) {
        var best: (worker: DecodeWorker, source: UnsafeMutablePointer<AVFilterContext>, failed: UInt32)?
        for worker in workers where !worker.ended {
            guard let source = graph.sources[worker.input.label] else { continue }
            let failed = av_buffersrc_get_nb_failed_requests(source)
            if best == nil || failed > best!.failed || (failed == best!.failed && failed == 0 && worker.input.startSeconds < best!.worker.input.startSeconds) {
                best = (worker, source, failed)
            }
        }
        guard let best else { throw RenderError(.graphFailed, "the filter graph waits for input but every source has ended") }
        try best.worker.feed(best.source, cancellation: cancellation)
    }

    /// Stops every worker and waits for their threads.
    func stop() {
        for worker in workers { worker.stop() }
    }
}
