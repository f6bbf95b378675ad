import CFFmpeg

/// Pulls decoded frames out of a graph without encoding them (for inspection and analysis).
enum FramePuller {
    /// What the pull callbacks answer.
    enum Next { case more, stop }

    /// Pulls `description`'s `[vout]` (as `formats.pixelFormat`) and `[aout]` frames into the
    /// callbacks until both end or a callback says stop. Blocking; thread-confined.
    static func pull(
        _ description: String,
        formats: FilterGraph.SinkFormats,
        video: (UnsafeMutablePointer<AVFrame>, AVRational) -> Next = { _, _ in .more },
        audio: (UnsafeMutablePointer<AVFrame>) -> Next = { _ in .more }
    ) throws(RenderError) {
        let graph = try FilterGraph(description: description, formats: formats, threads: 1)
        guard let frame = av_frame_alloc() else { throw RenderError(.graphFailed, "out of memory") }
        defer {
            var f: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&f)
        }
        var running = true
        while running {
            running = try graph.requestOldest()
            if let sink = graph.videoSink {
                while try graph.take(from: sink, into: frame) {
                    defer { av_frame_unref(frame) }
                    if video(frame, av_buffersink_get_time_base(sink)) == .stop { return }
                }
            }
            if let sink = graph.audioSink {
                while try graph.take(from: sink, into: frame) {
                    defer { av_frame_unref(frame) }
                    if audio(frame) == .stop { return }
                }
            }
        }
    }
}
