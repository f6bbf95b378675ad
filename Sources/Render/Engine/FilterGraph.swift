import CFFmpeg

/// A configured libavfilter graph with its `[vout]`/`[aout]` buffersinks.
///
/// Thread-confined: create, pull and free it on one thread (a graph is not safe to use from
/// two threads at once). It frees the graph on deinit.
final class FilterGraph {
    /// The pixel format, sample format, rate and layout the sinks accept.
    struct SinkFormats {
        var pixelFormat: AVPixelFormat = AV_PIX_FMT_YUV420P
        var sampleFormat: AVSampleFormat = AV_SAMPLE_FMT_FLTP
        var sampleRate: Int32 = 48_000
        var channelLayout = "stereo"
    }

    private(set) var graph: UnsafeMutablePointer<AVFilterGraph>?
    /// The sink of the graph's `[vout]` output, if it has one.
    private(set) var videoSink: UnsafeMutablePointer<AVFilterContext>?
    /// The sink of the graph's `[aout]` output, if it has one.
    private(set) var audioSink: UnsafeMutablePointer<AVFilterContext>?
    /// The `buffer`/`abuffer` sources made for the description's open inputs, by label.
    private(set) var sources: [String: UnsafeMutablePointer<AVFilterContext>] = [:]

    /// Parses `description`, links its open `[vout]`/`[aout]` outputs to sinks and configures it.
    /// - Parameters:
    ///   - threads: slice threads for filters (0 = FFmpeg's choice).
    ///   - inputs: for each open input the description may have, by label, the source filter
    ///     (`buffer` or `abuffer`) and its arguments; the caller feeds those sources.
    init(
        description: String,
        formats: SinkFormats,
        threads: Int32,
        inputs sourceArguments: [String: (filter: String, arguments: String)] = [:]
    ) throws(RenderError) {
        _ = FFmpegCall.setUp
        cff_clear_last_log_message()
        guard let g = avfilter_graph_alloc() else { throw RenderError(.graphFailed, "out of memory allocating a filter graph") }
        graph = g
        g.pointee.nb_threads = threads
        var inputs: UnsafeMutablePointer<AVFilterInOut>?
        var outputs: UnsafeMutablePointer<AVFilterInOut>?
        defer {
            avfilter_inout_free(&inputs)
            avfilter_inout_free(&outputs)
        }
        try FFmpegCall.check(avfilter_graph_parse2(g, description, &inputs, &outputs), .graphFailed, "parsing the filter graph")
        var openInput = inputs
        while let open = openInput {
            let name = open.pointee.name.map { String(cString: $0) } ?? "?"
            guard let source = sourceArguments[name], sources[name] == nil else {
                throw RenderError(.graphFailed, "the filter graph has an unconnected input [\(name)]")
            }
            var ctx: UnsafeMutablePointer<AVFilterContext>?
            try FFmpegCall.check(
                avfilter_graph_create_filter(&ctx, avfilter_get_by_name(source.filter), "in_\(name)", source.arguments, nil, g),
                .graphFailed,
                "creating the \(source.filter) source for [\(name)] (\(source.arguments))"
            )
            guard let ctx else { throw RenderError(.graphFailed, "creating the source for [\(name)]") }
            try FFmpegCall.check(avfilter_link(ctx, 0, open.pointee.filter_ctx, UInt32(open.pointee.pad_idx)), .graphFailed, "linking [\(name)]")
            sources[name] = ctx
            openInput = open.pointee.next
        }
        var cursor = outputs
        while let out = cursor {
            let name = out.pointee.name.map { String(cString: $0) } ?? ""
            switch name {
            case "vout" where videoSink == nil:
                let sink = try Self.makeSink("buffersink", name: "vout", in: g)
                try FFmpegCall.check(cff_sink_set_pix_fmt(sink, formats.pixelFormat), .graphFailed, "setting the video sink format")
                try FFmpegCall.check(avfilter_link(out.pointee.filter_ctx, UInt32(out.pointee.pad_idx), sink, 0), .graphFailed, "linking [vout]")
                videoSink = sink
            case "aout" where audioSink == nil:
                let sink = try Self.makeSink("abuffersink", name: "aout", in: g)
                try FFmpegCall.check(
                    cff_sink_set_audio(sink, formats.sampleFormat, formats.sampleRate, formats.channelLayout),
                    .graphFailed,
                    "setting the audio sink format"
                )
                try FFmpegCall.check(avfilter_link(out.pointee.filter_ctx, UInt32(out.pointee.pad_idx), sink, 0), .graphFailed, "linking [aout]")
                audioSink = sink
            default:
                throw RenderError(.graphFailed, "the filter graph has an unexpected output [\(name)]; label outputs [vout] and [aout]")
            }
            cursor = out.pointee.next
        }
        guard videoSink != nil || audioSink != nil else { throw RenderError(.graphFailed, "the filter graph has no [vout] or [aout] output") }
        try FFmpegCall.check(avfilter_graph_config(g, nil), .graphFailed, "configuring the filter graph")
    }

    deinit { avfilter_graph_free(&graph) }

    private static func makeSink(_ filter: String, name: String, in g: UnsafeMutablePointer<AVFilterGraph>) throws(RenderError) -> UnsafeMutablePointer<AVFilterContext> {
        var ctx: UnsafeMutablePointer<AVFilterContext>?
        try FFmpegCall.check(avfilter_graph_create_filter(&ctx, avfilter_get_by_name(filter), name, nil, nil, g), .graphFailed, "creating \(filter)")
        guard let ctx else { throw RenderError(.graphFailed, "creating \(filter)") }
        return ctx
    }

    /// What one step of the graph did.
    enum Step {
        /// It ran (a sink may have frames).
        case ran
        /// It cannot go on until a fed source gets a frame.
        case needsInput
        /// Every sink reached the end.
        case ended
    }

    /// Asks the graph for one more frame on the sink that is furthest behind.
    func step() throws(RenderError) -> Step {
        let r = avfilter_graph_request_oldest(graph)
        if r == FFmpegCall.eof { return .ended }
        if r == FFmpegCall.eagain { return .needsInput }
        try FFmpegCall.check(r, .graphFailed, "running the filter graph")
        return .ran
    }

    /// Asks the graph for one more frame on the sink that is furthest behind.
    /// - Returns: false once every sink reached the end.
    func requestOldest() throws(RenderError) -> Bool { try step() != .ended }

    /// Takes the next ready frame from `sink` into `frame` without running the graph.
    /// - Returns: false when none is ready (or the sink ended).
    func take(from sink: UnsafeMutablePointer<AVFilterContext>, into frame: UnsafeMutablePointer<AVFrame>) throws(RenderError) -> Bool {
        let r = av_buffersink_get_frame_flags(sink, frame, Int32(AV_BUFFERSINK_FLAG_NO_REQUEST))
        if r == FFmpegCall.eagain || r == FFmpegCall.eof { return false }
        try FFmpegCall.check(r, .graphFailed, "reading from the filter graph")
        return true
    }
}
