import CFFmpeg

/// Demuxes and decodes one stream of a media file the way FFmpeg 5.1's `movie`/`amovie` sources
/// do, so a graph fed by it behaves exactly like one that reads the file itself: the best stream
/// of the kind (other streams discarded), an optional seek to the keyframe at or before a time
/// counted from the container's start, frames timed by their best-effort timestamp in the
/// stream's time base, no autorotation. Unlike `movie`, it takes decoder options.
///
/// Thread-confined: open, read and free it on one thread (a decode worker's).
final class SourceDecoder {
    /// What a `buffer`/`abuffer` source needs to know about the frames: the link properties
    /// `movie` would give its output.
    struct StreamParameters: Sendable {
        var kind: FedInput.Kind
        var timeBase: AVRational
        // Video.
        var width: Int32 = 0
        var height: Int32 = 0
        var pixelFormat: Int32 = -1
        var frameRate = AVRational(num: 0, den: 1)
        // Audio.
        var sampleRate: Int32 = 0
        var sampleFormat: Int32 = -1
        var channelLayout = ""

        /// The `buffer` (video) or `abuffer` (audio) filter's name and arguments.
        var buffer: (filter: String, arguments: String) {
            let tb = "time_base=\(timeBase.num)/\(timeBase.den)"
            switch kind {
            case .video:
                // `movie` leaves the link's aspect ratio unset, which libavfilter makes 1:1.
                var args = "video_size=\(width)x\(height):pix_fmt=\(pixelFormat):\(tb):pixel_aspect=1/1"
                if frameRate.num > 0 && frameRate.den > 0 { args += ":frame_rate=\(frameRate.num)/\(frameRate.den)" }
                return ("buffer", args)
            case .audio:
                let format = av_get_sample_fmt_name(AVSampleFormat(rawValue: sampleFormat)).map { String(cString: $0) } ?? "\(sampleFormat)"
                return ("abuffer", "\(tb):sample_rate=\(sampleRate):sample_fmt=\(format):channel_layout=\(channelLayout)")
            }
        }
    }

    /// Where a file's stream is and how to read it: found once per file and kind by
    /// ``inspect(path:kind:)`` and shared by every decoder of that stream.
    struct StreamInfo: Sendable {
        /// The link properties.
        var parameters: StreamParameters
        /// The stream's index (the best of its kind, as `movie` picks it).
        var index: Int32
        /// The container's first timestamp (AV_TIME_BASE units), or AV_NOPTS_VALUE.
        var startTime: Int64
        /// True for containers whose header fully describes their streams (MP4/MOV, Matroska):
        /// decoders of them skip `avformat_find_stream_info`, which decodes up to 7 frames of
        /// H.264 only to guess parameters already known here.
        var headerDescribesStreams: Bool
    }

    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var decoder: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private let stream: UnsafeMutablePointer<AVStream>
    private var draining = false
    private var ended = false
    /// The stream as found.
    let info: StreamInfo

    /// Opens `path` and describes its best `kind` stream.
    /// - Throws: ``RenderError`` `SOURCE_UNDECODABLE` (without clip names; the caller adds them).
    static func inspect(path: String, kind: FedInput.Kind) throws(RenderError) -> StreamInfo {
        try SourceDecoder(path: path, kind: kind, known: nil, seek: 0).info
    }

    /// Opens `path`, picks its best `kind` stream (or the one `known` describes) and seeks to
    /// `seek` seconds (when > 0), counted from the container's start.
    /// - Throws: ``RenderError`` `SOURCE_UNDECODABLE` (without clip names; the caller adds them).
    init(path: String, kind: FedInput.Kind, known: StreamInfo?, seek: Double) throws(RenderError) {
        _ = FFmpegCall.setUp
        let name = path.split(separator: "/").last.map(String.init) ?? path
        func failure(_ what: String, _ code: Int32) -> RenderError {
            RenderError(.sourceUndecodable, "\(name): \(what): \(FFmpegCall.describe(code))")
        }
        var fmt: UnsafeMutablePointer<AVFormatContext>?
        let opened = avformat_open_input(&fmt, path, nil, nil)
        guard opened >= 0, let ctx = fmt else { throw failure("opening", opened) }
        format = ctx
        packet = av_packet_alloc()
        let container = ctx.pointee.iformat.map { String(cString: $0.pointee.name) } ?? ""
        let index: Int32
        let startTime: Int64
        if let known, known.headerDescribesStreams, known.index < ctx.pointee.nb_streams {
            index = known.index
            startTime = known.startTime
        } else {
            // As `movie`: a file whose stream info cannot be completed is still read.
            _ = avformat_find_stream_info(ctx, nil)
            index = av_find_best_stream(ctx, kind == .video ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
            startTime = ctx.pointee.start_time
        }
        guard index >= 0, let st = ctx.pointee.streams[Int(index)] else {
            avformat_close_input(&format)
            av_packet_free(&packet)
            throw RenderError(.sourceUndecodable, "\(name) has no \(kind.rawValue) stream")
        }
        if seek > 0 {
            var timestamp = Int64(seek * 1_000_000 + 0.5)
            if startTime != FFmpegCall.noPTS { timestamp += startTime }
            let r = av_seek_frame(ctx, -1, timestamp, AVSEEK_FLAG_BACKWARD)
            if r < 0 {
                avformat_close_input(&format)
                av_packet_free(&packet)
                throw failure("seeking to \(FilterSyntax.number(seek)) s", r)
            }
        }
        for i in 0..<Int(ctx.pointee.nb_streams) where i != Int(index) { ctx.pointee.streams[i]?.pointee.discard = AVDISCARD_ALL }
        stream = st
        let par = st.pointee.codecpar!
        if kind == .audio && par.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC {
            // As `movie`: an unstated layout is guessed from the channel count, for the decoder too.
            let channels = par.pointee.ch_layout.nb_channels
            av_channel_layout_uninit(&par.pointee.ch_layout)
            av_channel_layout_default(&par.pointee.ch_layout, channels)
        }
        if let known {
            info = known
            return
        }
        var p = StreamParameters(kind: kind, timeBase: st.pointee.time_base)
        switch kind {
        case .video:
            p.width = par.pointee.width
            p.height = par.pointee.height
            p.pixelFormat = par.pointee.format
            p.frameRate = st.pointee.r_frame_rate
        case .audio:
            p.sampleRate = par.pointee.sample_rate
            p.sampleFormat = par.pointee.format
            var buf = [CChar](repeating: 0, count: 128)
            if av_channel_layout_describe(&par.pointee.ch_layout, &buf, buf.count) > 0 {
                p.channelLayout = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        let described = container.hasPrefix("mov,mp4") || container.hasPrefix("matroska")
        info = StreamInfo(parameters: p, index: index, startTime: startTime, headerDescribesStreams: described)
    }

    deinit {
        avcodec_free_context(&decoder)
        av_packet_free(&packet)
        avformat_close_input(&format)
    }

    /// Opens the stream's decoder.
    /// - Parameters:
    ///   - options: AVCodecContext options (e.g. `skip_loop_filter=all`); unknown ones are ignored.
    ///   - threads: decoder threads (0 = FFmpeg's choice).
    func openDecoder(options: [String: String], threads: Int) throws(RenderError) {
        let par = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(par.pointee.codec_id), let ctx = avcodec_alloc_context3(codec) else {
            throw RenderError(.sourceUndecodable, "no decoder for \(String(cString: avcodec_get_name(par.pointee.codec_id)))")
        }
        decoder = ctx
        try FFmpegCall.check(avcodec_parameters_to_context(ctx, par), .sourceUndecodable, "reading the stream's parameters")
        ctx.pointee.pkt_timebase = stream.pointee.time_base
        ctx.pointee.thread_count = Int32(threads)
        var dict: OpaquePointer?
        defer { av_dict_free(&dict) }
        for (key, value) in options.sorted(by: { $0.key < $1.key }) { av_dict_set(&dict, key, value, 0) }
        try FFmpegCall.check(avcodec_open2(ctx, codec, &dict), .sourceUndecodable, "opening the decoder")
    }

    /// Decodes the next frame into `frame` (its `pts` set to the best-effort timestamp, as `movie` does).
    /// - Returns: false at the end of the stream.
    /// - Throws: ``RenderError`` `SOURCE_UNDECODABLE` when reading or decoding fails (damaged
    ///   packets are skipped, as the `ffmpeg` tool does; only errors that stop decoding are thrown).
    func receive(into frame: UnsafeMutablePointer<AVFrame>) throws(RenderError) -> Bool {
        guard let decoder, let format else { throw RenderError(.sourceUndecodable, "the decoder is not open") }
        while !ended {
            let r = avcodec_receive_frame(decoder, frame)
            if r >= 0 {
                frame.pointee.pts = frame.pointee.best_effort_timestamp
                return true
            }
            if r == FFmpegCall.eof {
                ended = true
                break
            }
            if r != FFmpegCall.eagain && r != cff_averror_invalid_data() { try FFmpegCall.check(r, .sourceUndecodable, "decoding") }
            if draining {
                ended = true
                break
            }
            if av_read_frame(format, packet) < 0 {
                // The end of the file, or a read error past which nothing more can be read (as
                // `movie`): decode what arrived.
                draining = true
                _ = avcodec_send_packet(decoder, nil)
                continue
            }
            defer { av_packet_unref(packet) }
            guard packet?.pointee.stream_index == stream.pointee.index else { continue }
            let sent = avcodec_send_packet(decoder, packet)
            if sent < 0 && sent != FFmpegCall.eagain && sent != cff_averror_invalid_data() {
                try FFmpegCall.check(sent, .sourceUndecodable, "decoding")
            }
        }
        return false
    }
}
