import CFFmpeg

/// A fed input's per-picture filters (``FedInput/Filters``), run on its decode thread: a small
/// graph from a `buffer` with the stream's properties to a sink in the chain's pixel format.
///
/// Thread-confined like every ``FilterGraph``.
final class PictureFilter {
    private let graph: FilterGraph
    private let source: UnsafeMutablePointer<AVFilterContext>
    private let sink: UnsafeMutablePointer<AVFilterContext>

    /// Configures `filters` for frames of `stream`.
    /// - Throws: ``RenderError`` `GRAPH_FAILED` if they do not parse or configure.
    init(_ filters: FedInput.Filters, stream: SourceDecoder.StreamParameters) throws(RenderError) {
        var formats = FilterGraph.SinkFormats()
        formats.pixelFormat = av_get_pix_fmt(filters.pixelFormat)
        guard formats.pixelFormat != AV_PIX_FMT_NONE else { throw RenderError(.graphFailed, "unknown pixel format \(filters.pixelFormat)") }
        graph = try FilterGraph(description: "[in]\(filters.description)[vout]", formats: formats, threads: 1, inputs: ["in": stream.buffer])
        guard let source = graph.sources["in"], let sink = graph.videoSink else { throw RenderError(.graphFailed, "building the picture filters") }
        self.source = source
        self.sink = sink
    }

    /// The `buffer` source (and its arguments) that takes the frames this outputs.
    var outputBuffer: (filter: String, arguments: String) {
        let tb = av_buffersink_get_time_base(sink)
        var sar = av_buffersink_get_sample_aspect_ratio(sink)
        if sar.num <= 0 || sar.den <= 0 { sar = AVRational(num: 1, den: 1) }
        var args = "video_size=\(av_buffersink_get_w(sink))x\(av_buffersink_get_h(sink)):pix_fmt=\(av_buffersink_get_format(sink))"
        args += ":time_base=\(tb.num)/\(tb.den):pixel_aspect=\(sar.num)/\(sar.den)"
        let rate = av_buffersink_get_frame_rate(sink)
        if rate.num > 0 && rate.den > 0 { args += ":frame_rate=\(rate.num)/\(rate.den)" }
        return ("buffer", args)
    }

    /// About how many bytes a frame it outputs holds.
    var outputFrameBytes: Int {
        let pixels = Int(av_buffersink_get_w(sink)) * Int(av_buffersink_get_h(sink))
        return av_buffersink_get_format(sink) == AV_PIX_FMT_YUVA420P.rawValue ? pixels * 5 / 2 : pixels * 3 / 2
    }

    /// Filters `frame` (its picture moves into the graph; the frame is left empty) and hands
    /// each resulting frame to `emit`, which takes ownership of it.
    /// - Returns: false if `emit` refused a frame (it was freed).
    func filter(_ frame: UnsafeMutablePointer<AVFrame>, emit: (UnsafeMutablePointer<AVFrame>) -> Bool) throws(RenderError) -> Bool {
        try FFmpegCall.check(av_buffersrc_add_frame_flags(source, frame, Int32(AV_BUFFERSRC_FLAG_PUSH)), .graphFailed, "filtering a decoded picture")
        while true {
            guard let out = av_frame_alloc() else { throw RenderError(.graphFailed, "out of memory") }
            var owned: UnsafeMutablePointer<AVFrame>? = out
            let got: Bool
            do { got = try graph.take(from: sink, into: out) } catch {
                av_frame_free(&owned)
                throw error
            }
            guard got else {
                av_frame_free(&owned)
                return true
            }
            if !emit(out) {
                av_frame_free(&owned)
                return false
            }
        }
    }
}
