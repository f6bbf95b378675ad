import Foundation
import Timeline

/// Pieces of libavfilter graph syntax: escaping, numbers, and the conform chains every source
/// goes through before it is combined.
public enum FilterSyntax {
    /// Escapes `value` for use as a filter option value inside a graph description (both levels
    /// of FFmpeg's filtergraph escaping), e.g. a file name for `movie=filename=…`.
    public static func escape(_ value: String) -> String {
        var optionLevel = ""
        for c in value {
            if c == "\\" || c == "'" || c == ":" { optionLevel.append("\\") }
            optionLevel.append(c)
        }
        var graphLevel = ""
        for c in optionLevel {
            if "\\'[],;".contains(c) { graphLevel.append("\\") }
            graphLevel.append(c)
        }
        return graphLevel
    }

    /// Seconds with microsecond precision, as filters parse durations.
    public static func seconds(_ t: Flicks) -> String { number(t.seconds) }

    /// A number with up to six decimals, without exponent.
    public static func number(_ x: Double) -> String {
        var s = String(format: "%.6f", x)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    /// `num/den` for a frame rate.
    public static func rate(_ r: FrameRate) -> String { "\(r.numerator)/\(r.denominator)" }

    /// Scales and letterboxes to `width`×`height` keeping the aspect ratio, SAR 1, constant
    /// frame rate `rate`, pixel format `pixelFormat`.
    public static func conformVideo(width: Int, height: Int, rate: FrameRate, pixelFormat: String = "yuv420p", scaler: String = "bicubic") -> String {
        fit(width: width, height: height, scaler: scaler) + "," + letterbox(width: width, height: height, rate: rate, pixelFormat: pixelFormat)
    }

    /// The first half of ``conformVideo(width:height:rate:pixelFormat:scaler:)``: scales to fit
    /// inside `width`×`height`, aspect kept. It works on each picture alone, so it can run
    /// before or after filters that only cut or retime the stream.
    public static func fit(width: Int, height: Int, scaler: String = "bicubic") -> String {
        "scale=\(width):\(height):force_original_aspect_ratio=decrease:flags=\(scaler)"
    }

    /// The second half of ``conformVideo(width:height:rate:pixelFormat:scaler:)``: pads a
    /// fitted picture to `width`×`height` (centred), SAR 1, constant `rate`, `pixelFormat`.
    public static func letterbox(width: Int, height: Int, rate: FrameRate, pixelFormat: String = "yuv420p") -> String {
        "pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2,setsar=1,fps=\(Self.rate(rate)),format=\(pixelFormat)"
    }

    /// Holds a single picture for `frames` frames at `rate`, letterboxed to `width`×`height`
    /// (scaled once, then repeated: `fps` alone drops a lone frame that has no duration).
    public static func holdStill(frames: Int64, width: Int, height: Int, rate: FrameRate, pixelFormat: String = "yuv420p", scaler: String = "bicubic") -> String {
        "scale=\(width):\(height):force_original_aspect_ratio=decrease:flags=\(scaler),pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2,setsar=1,"
            + "format=\(pixelFormat),loop=loop=\(max(0, frames - 1)):size=1,setpts=N/(\(Self.rate(rate))*TB),fps=\(Self.rate(rate)),"
            + exactFrames(frames)
    }

    /// The filters that turn a picture stored with a display `rotation` (clockwise degrees, as
    /// ``MediaInfo/Video/rotation``) upright, or nil for none (`movie` does not autorotate).
    public static func upright(_ rotation: Int) -> String? {
        switch rotation {
        case 90: "transpose=clock"
        case 180: "hflip,vflip"
        case 270: "transpose=cclock"
        default: nil
        }
    }

    /// Makes a constant-rate stream exactly `frames` long (repeating its last frame if short).
    public static func exactFrames(_ frames: Int64) -> String { "tpad=stop=-1:stop_mode=clone,trim=end_frame=\(frames)" }

    /// Planar float, 48 kHz (or `sampleRate`), stereo.
    public static func conformAudio(sampleRate: Int = 48_000) -> String {
        "aformat=sample_fmts=fltp:sample_rates=\(sampleRate):channel_layouts=stereo"
    }

    /// Makes an audio stream exactly `samples` long (padding with silence if short).
    public static func exactSamples(_ samples: Int64) -> String { "apad=whole_len=\(samples),atrim=end_sample=\(samples)" }

    /// `atempo` filters whose product is `speed` (each instance takes 0.5…100).
    public static func atempo(_ speed: Double) -> [String] {
        guard speed != 1, speed > 0 else { return [] }
        var out: [String] = []
        var rest = speed
        while rest < 0.5 {
            out.append("atempo=0.5")
            rest /= 0.5
        }
        while rest > 100 {
            out.append("atempo=100")
            rest /= 100
        }
        if abs(rest - 1) > 1e-9 { out.append("atempo=\(number(rest))") }
        return out
    }
}
