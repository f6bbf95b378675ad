import CFFmpeg

/// A muxer with its encoders, opened from what a configured ``FilterGraph``'s sinks produce.
///
/// Thread-confined like the graph. Frames given to ``write(video:)``/``write(audio:)`` carry
/// sink timestamps; they are rescaled to the encoder time bases here.
final class MediaWriter {
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var videoEncoder: UnsafeMutablePointer<AVCodecContext>?
    private var audioEncoder: UnsafeMutablePointer<AVCodecContext>?
    private var videoStream: UnsafeMutablePointer<AVStream>?
    private var audioStream: UnsafeMutablePointer<AVStream>?
    private var packet: UnsafeMutablePointer<AVPacket>? = av_packet_alloc()
    private var videoSinkTimeBase = AVRational(num: 1, den: 1)
    private var audioSinkTimeBase = AVRational(num: 1, den: 1)
    private var headerWritten = false
    private var nextAudioPTS: Int64 = 0
    private var audioStarted = false
    let output: OutputFormat

    /// Video frames written.
    private(set) var videoFrames = 0
    /// The end of the last frame written, in seconds of output.
    private(set) var endSeconds: Double = 0

    /// Opens `path` for `output` with encoders matching `graph`'s sinks.
    init(path: String, output: OutputFormat, graph: FilterGraph, settings: EncoderSettings) throws(RenderError) {
        self.output = output
        var fmt: UnsafeMutablePointer<AVFormatContext>?
        try FFmpegCall.check(
            avformat_alloc_output_context2(&fmt, nil, output.muxerName, path),
            .outputFailed,
            "creating the \(output.rawValue) muxer"
        )
        format = fmt
        guard let fmt else { throw RenderError(.outputFailed, "creating the \(output.rawValue) muxer") }
        let globalHeader = (fmt.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0

        if let sink = graph.videoSink {
            videoSinkTimeBase = av_buffersink_get_time_base(sink)
            try openVideo(sink: sink, settings: settings, globalHeader: globalHeader)
        }
        if let sink = graph.audioSink {
            audioSinkTimeBase = av_buffersink_get_time_base(sink)
            try openAudio(sink: sink, settings: settings, globalHeader: globalHeader)
        }
        if (fmt.pointee.oformat.pointee.flags & AVFMT_NOFILE) == 0 {
            try FFmpegCall.check(avio_open(&fmt.pointee.pb, path, AVIO_FLAG_WRITE), .outputFailed, "opening \(path) for writing")
        }
        var options: OpaquePointer?
        defer { av_dict_free(&options) }
        if output == .mp4 || output == .m4a { av_dict_set(&options, "movflags", "+faststart", 0) }
        if output.isImage { av_dict_set(&options, "update", "1", 0) }
        try FFmpegCall.check(avformat_write_header(fmt, &options), .outputFailed, "writing the \(output.rawValue) header")
        headerWritten = true
    }

    deinit {
        if let format {
            if (format.pointee.oformat.pointee.flags & AVFMT_NOFILE) == 0 { avio_closep(&format.pointee.pb) }
            avformat_free_context(format)
        }
        avcodec_free_context(&videoEncoder)
        avcodec_free_context(&audioEncoder)
        av_packet_free(&packet)
    }

    private func openVideo(sink: UnsafeMutablePointer<AVFilterContext>, settings: EncoderSettings, globalHeader: Bool) throws(RenderError) {
        let (name, pixelFormat): (String, AVPixelFormat) =
            switch output {
            case .png: ("png", AV_PIX_FMT_RGB24)
            case .jpeg: ("mjpeg", AV_PIX_FMT_YUVJ420P)
            default: ("libx264", AV_PIX_FMT_YUV420P)
            }
        guard let codec = avcodec_find_encoder_by_name(name), let ctx = avcodec_alloc_context3(codec) else {
            throw RenderError(.encoderFailed, "the \(name) encoder is not available in this FFmpeg build")
        }
        videoEncoder = ctx
        var rate = av_buffersink_get_frame_rate(sink)
        if rate.num <= 0 || rate.den <= 0 { rate = AVRational(num: 25, den: 1) }
        var sar = av_buffersink_get_sample_aspect_ratio(sink)
        if sar.num <= 0 || sar.den <= 0 { sar = AVRational(num: 1, den: 1) }
        ctx.pointee.width = av_buffersink_get_w(sink)
        ctx.pointee.height = av_buffersink_get_h(sink)
        ctx.pointee.pix_fmt = pixelFormat
        ctx.pointee.sample_aspect_ratio = sar
        ctx.pointee.framerate = rate
        ctx.pointee.time_base = av_inv_q(rate)
        ctx.pointee.thread_count = Int32(settings.encoderThreads)
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        var options: OpaquePointer?
        defer { av_dict_free(&options) }
        switch output {
        case .jpeg:
            ctx.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            ctx.pointee.global_quality = Int32(FF_QP2LAMBDA) * Int32(settings.jpegQuality)
        case .png:
            break
        default:
            av_dict_set(&options, "preset", settings.x264Preset, 0)
            av_dict_set(&options, "crf", String(settings.crf), 0)
            if let tune = settings.x264Tune { av_dict_set(&options, "tune", tune, 0) }
            if settings.keyframeInterval > 0 { ctx.pointee.gop_size = Int32(settings.keyframeInterval) }
        }
        try FFmpegCall.check(avcodec_open2(ctx, codec, &options), .encoderFailed, "opening the \(name) encoder")
        guard let stream = avformat_new_stream(format, nil) else { throw RenderError(.outputFailed, "adding the video stream") }
        try FFmpegCall.check(avcodec_parameters_from_context(stream.pointee.codecpar, ctx), .encoderFailed, "video stream parameters")
        stream.pointee.time_base = ctx.pointee.time_base
        stream.pointee.avg_frame_rate = rate
        if settings.displayRotation % 360 != 0, let matrix = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 36) {
            // In FFmpeg 5.1, a matrix made by av_display_rotation_set(+R) reads back from the MP4 as
            // av_display_rotation_get = −R: ffprobe shows "rotation=-90" for R = 90, which `ffmpeg`
            // and players turn 90° clockwise, as phones write portrait video.
            matrix.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_set($0, Double(settings.displayRotation)) }
        }
        videoStream = stream
    }

    private func openAudio(sink: UnsafeMutablePointer<AVFilterContext>, settings: EncoderSettings, globalHeader: Bool) throws(RenderError) {
        let (name, sampleFormat): (String, AVSampleFormat) = output == .wav ? ("pcm_s16le", AV_SAMPLE_FMT_S16) : ("aac", AV_SAMPLE_FMT_FLTP)
        guard let codec = avcodec_find_encoder_by_name(name), let ctx = avcodec_alloc_context3(codec) else {
            throw RenderError(.encoderFailed, "the \(name) encoder is not available in this FFmpeg build")
        }
        audioEncoder = ctx
        let rate = av_buffersink_get_sample_rate(sink)
        ctx.pointee.sample_fmt = sampleFormat
        ctx.pointee.sample_rate = rate
        try FFmpegCall.check(av_buffersink_get_ch_layout(sink, &ctx.pointee.ch_layout), .encoderFailed, "reading the channel layout")
        ctx.pointee.time_base = AVRational(num: 1, den: rate)
        if name == "aac" { ctx.pointee.bit_rate = Int64(settings.audioBitRate) }
        if globalHeader { ctx.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER) }
        try FFmpegCall.check(avcodec_open2(ctx, codec, nil), .encoderFailed, "opening the \(name) encoder")
        if ctx.pointee.frame_size > 0 { av_buffersink_set_frame_size(sink, UInt32(ctx.pointee.frame_size)) }
        guard let stream = avformat_new_stream(format, nil) else { throw RenderError(.outputFailed, "adding the audio stream") }
        try FFmpegCall.check(avcodec_parameters_from_context(stream.pointee.codecpar, ctx), .encoderFailed, "audio stream parameters")
        stream.pointee.time_base = ctx.pointee.time_base
        audioStream = stream
    }

    /// Encodes one video frame from the sink (its pts in the sink's time base).
    func write(video frame: UnsafeMutablePointer<AVFrame>) throws(RenderError) {
        guard let enc = videoEncoder, let stream = videoStream else { return }
        if frame.pointee.pts != FFmpegCall.noPTS {
            frame.pointee.pts = av_rescale_q(frame.pointee.pts, videoSinkTimeBase, enc.pointee.time_base)
        } else {
            frame.pointee.pts = Int64(videoFrames)
        }
        frame.pointee.pict_type = AV_PICTURE_TYPE_NONE
        let end = Double(frame.pointee.pts + 1) * av_q2d(enc.pointee.time_base)
        try encode(frame, enc, stream)
        videoFrames += 1
        endSeconds = max(endSeconds, end)
    }

    /// Encodes one audio frame from the sink.
    func write(audio frame: UnsafeMutablePointer<AVFrame>) throws(RenderError) {
        guard let enc = audioEncoder, let stream = audioStream else { return }
        // Audio is continuous: number samples ourselves (from the first frame's time) so rounding in
        // the sink time base never leaves holes.
        if !audioStarted {
            audioStarted = true
            if frame.pointee.pts != FFmpegCall.noPTS { nextAudioPTS = av_rescale_q(frame.pointee.pts, audioSinkTimeBase, enc.pointee.time_base) }
        }
        frame.pointee.pts = nextAudioPTS
        nextAudioPTS += Int64(frame.pointee.nb_samples)
        try encode(frame, enc, stream)
        endSeconds = max(endSeconds, Double(nextAudioPTS) / Double(enc.pointee.sample_rate))
    }

    /// Flushes the encoders and writes the trailer.
    func finish() throws(RenderError) {
        if let enc = videoEncoder, let stream = videoStream { try encode(nil, enc, stream) }
        if let enc = audioEncoder, let stream = audioStream { try encode(nil, enc, stream) }
        try FFmpegCall.check(av_write_trailer(format), .outputFailed, "writing the trailer")
    }

    private func encode(_ frame: UnsafeMutablePointer<AVFrame>?, _ enc: UnsafeMutablePointer<AVCodecContext>, _ stream: UnsafeMutablePointer<AVStream>) throws(RenderError) {
        try FFmpegCall.check(avcodec_send_frame(enc, frame), .encoderFailed, "encoding")
        while true {
            let r = avcodec_receive_packet(enc, packet)
            if r == FFmpegCall.eagain || r == FFmpegCall.eof { return }
            try FFmpegCall.check(r, .encoderFailed, "encoding")
            packet?.pointee.stream_index = stream.pointee.index
            av_packet_rescale_ts(packet, enc.pointee.time_base, stream.pointee.time_base)
            try FFmpegCall.check(av_interleaved_write_frame(format, packet), .outputFailed, "writing a packet")
        }
    }
}
