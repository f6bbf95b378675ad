import CFFmpeg

/// Helpers turning FFmpeg return codes into ``RenderError``s.
enum FFmpegCall {
    /// Installs the log capture once per process (FFmpeg's log then goes to a per-thread buffer).
    static let setUp: Void = {
        cff_install_log_capture()
        CPUTuning.apply()
    }()

    /// The text of an FFmpeg error code, followed by the last error FFmpeg logged on this thread.
    static func describe(_ code: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        cff_err2str(code, &buf, buf.count)
        let base = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let log = lastLogMessage()
        return log.isEmpty ? base : "\(base) (\(log))"
    }

    /// The last error-level message FFmpeg logged on this thread, cleared on read.
    static func lastLogMessage() -> String {
        var buf = [CChar](repeating: 0, count: 512)
        cff_take_last_log_message(&buf, buf.count)
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Throws `code` with "`what`: <ffmpeg error>" when `result` is negative; returns it otherwise.
    @discardableResult
    static func check(_ result: Int32, _ code: RenderError.Code, _ what: @autoclosure () -> String) throws(RenderError) -> Int32 {
        if result < 0 { throw RenderError(code, "\(what()): \(describe(result))") }
        return result
    }

    static let eof = cff_averror_eof()
    static let eagain = cff_averror_eagain()
    static let noPTS = cff_nopts_value()
}
