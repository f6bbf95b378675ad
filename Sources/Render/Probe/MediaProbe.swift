import CFFmpeg
import Foundation
import Timeline

/// Reads a media file's container and streams and proves it decodes.
public enum MediaProbe {
    /// Probes `path` on a dedicated thread (see ``probeBlocking(path:)``).
    /// - Throws: ``RenderError`` `FILE_NOT_FOUND` or `UNDECODABLE_MEDIA`.
    public static func probe(path: String) async throws(RenderError) -> MediaInfo {
        let result = await RenderThread.run(name: "editbay.probe") {
            Result { () throws(RenderError) -> MediaInfo in try probeBlocking(path: path) }
        }
        return try result.get()
    }

    /// Probes `path`, decoding at least one frame of its main stream. Blocking: call it from a
    /// thread you own, or use the async ``probe(path:)``.
    /// - Throws: ``RenderError`` `FILE_NOT_FOUND` if it cannot be read, `UNDECODABLE_MEDIA` if it
    ///   is not media or no frame decodes.
    public static func probeBlocking(path: String) throws(RenderError) -> MediaInfo {
        _ = FFmpegCall.setUp
        guard FileManager.default.isReadableFile(atPath: path) else { throw RenderError(.fileNotFound, "\(path) does not exist or cannot be read") }
        let name = URL(fileURLWithPath: path).lastPathComponent
        func undecodable(_ why: String) -> RenderError { RenderError(.undecodableMedia, "\(name) is not media this server can decode: \(why)") }

        var fmt: UnsafeMutablePointer<AVFormatContext>?
        let opened = avformat_open_input(&fmt, path, nil, nil)
        guard opened >= 0, let ctx = fmt else { throw undecodable(FFmpegCall.describe(opened)) }
        defer { avformat_close_input(&fmt) }
        let found = avformat_find_stream_info(ctx, nil)
        guard found >= 0 else { throw undecodable(FFmpegCall.describe(found)) }

        let streams = (0..<Int(ctx.pointee.nb_streams)).compactMap { ctx.pointee.streams[$0] }
        let videoStream = streams.first {
            $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO && ($0.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) == 0
        }
        let audioStream = streams.first { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
        guard let main = videoStream ?? audioStream else { throw undecodable("it has no audio or video stream") }
        try decodeOneFrame(ctx, main, undecodable)

        let container = ctx.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown"
        let isStill = videoStream != nil && audioStream == nil && (container == "image2" || container.hasSuffix("_pipe"))
        var seconds: Double?
        if !isStill {
            if ctx.pointee.duration != FFmpegCall.noPTS, ctx.pointee.duration > 0 {
                seconds = Double(ctx.pointee.duration) / Double(AV_TIME_BASE)
            } else if main.pointee.duration != FFmpegCall.noPTS, main.pointee.duration > 0 {
                seconds = Double(main.pointee.duration) * av_q2d(main.pointee.time_base)
            }
        }
        let start = ctx.pointee.start_time
        return MediaInfo(
            kind: isStill ? .image : (videoStream != nil ? .video : .audio),
            container: container,
            startSeconds: start != FFmpegCall.noPTS ? Double(start) / Double(AV_TIME_BASE) : nil,
            durationSeconds: seconds,
            duration: seconds.flatMap { try? Flicks(seconds: $0) },
            video: videoStream.map(videoInfo),
            audio: audioStream.map(audioInfo)
        )
    }

    private static func videoInfo(_ st: UnsafeMutablePointer<AVStream>) -> MediaInfo.Video {
        let par = st.pointee.codecpar.pointee
        var rate = st.pointee.avg_frame_rate
        if rate.num <= 0 || rate.den <= 0 { rate = st.pointee.r_frame_rate }
        var rotation = 0
        var size = 0
        if let data = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 {
            let angle = data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
            if angle.isFinite {
                rotation = ((Int((-angle).rounded()) % 360) + 360) % 360
            }
        }
        let pixelFormat = av_get_pix_fmt_name(AVPixelFormat(rawValue: par.format)).map { String(cString: $0) }
        return MediaInfo.Video(
            codec: String(cString: avcodec_get_name(par.codec_id)),
            width: Int(par.width),
            height: Int(par.height),
            frameRate: rate.num > 0 && rate.den > 0 ? try? FrameRate(Int64(rate.num), Int64(rate.den)) : nil,
            rotation: rotation,
            pixelFormat: pixelFormat,
            frameCount: st.pointee.nb_frames > 0 ? st.pointee.nb_frames : nil
        )
    }

    private static func audioInfo(_ st: UnsafeMutablePointer<AVStream>) -> MediaInfo.Audio {
        var par = st.pointee.codecpar.pointee
        var buf = [CChar](repeating: 0, count: 64)
        let described = av_channel_layout_describe(&par.ch_layout, &buf, buf.count)
        return MediaInfo.Audio(
            codec: String(cString: avcodec_get_name(par.codec_id)),
            sampleRate: Int(par.sample_rate),
            channels: Int(par.ch_layout.nb_channels),
            channelLayout: described > 0 ? String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
        )
    }

    /// Reads packets of `stream` until one frame decodes (or fails after the end of the file).
    private static func decodeOneFrame(
        _ ctx: UnsafeMutablePointer<AVFormatContext>,
        _ stream: UnsafeMutablePointer<AVStream>,
        _ undecodable: (String) -> RenderError
    ) throws(RenderError) {
        guard let par = stream.pointee.codecpar else { throw undecodable("the stream has no codec parameters") }
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            throw undecodable("no decoder for \(String(cString: avcodec_get_name(par.pointee.codec_id)))")
        }
        var dec = avcodec_alloc_context3(codec)
        var packet = av_packet_alloc()
        var frame = av_frame_alloc()
        defer {
            avcodec_free_context(&dec)
            av_packet_free(&packet)
            av_frame_free(&frame)
        }
        guard avcodec_parameters_to_context(dec, par) >= 0, avcodec_open2(dec, codec, nil) >= 0 else {
            throw undecodable("the decoder refused the stream: \(FFmpegCall.lastLogMessage())")
        }
        var lastError = "no frame decoded"
        var packets = 0
        while packets < 2000 {
            let r = av_read_frame(ctx, packet)
            if r < 0 {
                avcodec_send_packet(dec, nil)
                if avcodec_receive_frame(dec, frame) >= 0 { return }
                break
            }
            defer { av_packet_unref(packet) }
            guard packet?.pointee.stream_index == stream.pointee.index else { continue }
            packets += 1
            let sent = avcodec_send_packet(dec, packet)
            if sent < 0 && sent != FFmpegCall.eagain {
                lastError = FFmpegCall.describe(sent)
                continue
            }
            let got = avcodec_receive_frame(dec, frame)
            if got >= 0 { return }
            if got != FFmpegCall.eagain { lastError = FFmpegCall.describe(got) }
        }
        throw undecodable(lastError)
    }
}
