import CFFmpeg
import Foundation

/// Reads decoded pictures and sound back from a file: quality checks and tests.
public enum MediaInspector {
    /// An average colour, components 0…255.
    public struct Color: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Red, 0…255.
        public var red: Double
        /// Green, 0…255.
        public var green: Double
        /// Blue, 0…255.
        public var blue: Double

        /// Creates a colour.
        public init(red: Double, green: Double, blue: Double) {
            self.red = red
            self.green = green
            self.blue = blue
        }

        /// The largest per-component difference to `other`.
        public func distance(to other: Color) -> Double { max(abs(red - other.red), abs(green - other.green), abs(blue - other.blue)) }

        /// `rgb(r, g, b)`.
        public var description: String { "rgb(\(Int(red.rounded())), \(Int(green.rounded())), \(Int(blue.rounded())))" }
    }

    /// A part of the frame, in fractions of its width and height.
    public struct Region: Sendable, Hashable, Codable {
        /// Left edge, 0…1.
        public var x: Double
        /// Top edge, 0…1.
        public var y: Double
        /// Width, 0…1.
        public var width: Double
        /// Height, 0…1.
        public var height: Double

        /// Creates a region.
        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        /// The central half each way.
        public static let center = Region(x: 0.25, y: 0.25, width: 0.5, height: 0.5)
        /// The middle of the top quarter.
        public static let top = Region(x: 0.25, y: 0.05, width: 0.5, height: 0.2)
        /// The middle of the bottom quarter.
        public static let bottom = Region(x: 0.25, y: 0.75, width: 0.5, height: 0.2)
    }

    /// Sound levels, linear full scale (1.0 = 0 dBFS), over both channels.
    public struct Level: Sendable, Hashable, Codable {
        /// Root mean square.
        public var rms: Double
        /// Largest absolute sample.
        public var peak: Double
        /// Samples per channel measured.
        public var samples: Int
    }

    /// The average colour of `region` (by default the central half each way) of the frame
    /// showing at `seconds` (the last frame starting at or before it).
    /// - Throws: ``RenderError`` `GRAPH_FAILED` if the file does not decode, `INVALID_REQUEST` if it has no frame by then.
    public static func averageColor(path: String, at seconds: Double, region: Region = .center) async throws(RenderError) -> Color {
        let seek = seconds > 2 ? ":sp=\(FilterSyntax.number(seconds - 1))" : ""
        let graph = "movie=filename=\(FilterSyntax.escape(path))\(seek),format=rgb24[vout]"
        let result = await RenderThread.run(name: "editbay.inspect") {
            Result { () throws(RenderError) -> Color in
                var formats = FilterGraph.SinkFormats()
                formats.pixelFormat = AV_PIX_FMT_RGB24
                var color: Color?
                try FramePuller.pull(graph, formats: formats, video: { frame, tb in
                    let time = Double(frame.pointee.pts) * av_q2d(tb)
                    guard time <= seconds + 1e-6 else { return .stop }
                    color = average(frame, region)
                    return .more
                })
                guard let color else { throw RenderError(.invalidRequest, "no frame at \(seconds) s") }
                return color
            }
        }
        return try result.get()
    }

    /// The level of the sound from `start` for `duration` seconds (both channels).
    public static func audioLevel(path: String, from start: Double, duration: Double) async throws(RenderError) -> Level {
        let graph = "amovie=filename=\(FilterSyntax.escape(path)),atrim=start=\(FilterSyntax.number(start)):duration=\(FilterSyntax.number(duration))[aout]"
        let result = await RenderThread.run(name: "editbay.inspect") {
            Result { () throws(RenderError) -> Level in
                var formats = FilterGraph.SinkFormats()
                formats.sampleFormat = AV_SAMPLE_FMT_FLT
                var sumSquares = 0.0
                var peak = 0.0
                var count = 0
                try FramePuller.pull(graph, formats: formats, audio: { frame in
                    let n = Int(frame.pointee.nb_samples) * Int(frame.pointee.ch_layout.nb_channels)
                    frame.pointee.data.0?.withMemoryRebound(to: Float.self, capacity: n) { p in
                        for i in 0..<n {
                            let x = Double(p[i])
                            sumSquares += x * x
                            peak = max(peak, abs(x))
                        }
                    }
                    count += n
                    return .more
                })
                guard count > 0 else { throw RenderError(.invalidRequest, "no sound between \(start) s and \(start + duration) s") }
                return Level(rms: (sumSquares / Double(count)).squareRoot(), peak: peak, samples: count / 2)
            }
        }
        return try result.get()
    }

    /// The number of video frames that decode, and the end time of the last one in seconds.
    public static func videoFrames(path: String) async throws(RenderError) -> (count: Int, end: Double) {
        let graph = "movie=filename=\(FilterSyntax.escape(path)),scale=16:16,format=gray[vout]"
        let result = await RenderThread.run(name: "editbay.inspect") {
            Result { () throws(RenderError) -> FrameCount in
                var formats = FilterGraph.SinkFormats()
                formats.pixelFormat = AV_PIX_FMT_GRAY8
                var count = 0
                var end = 0.0
                try FramePuller.pull(graph, formats: formats, video: { frame, tb in
                    count += 1
                    let duration = max(frame.pointee.pkt_duration, 1)
                    if tb.den > 0 { end = max(end, Double(frame.pointee.pts + duration) * av_q2d(tb)) }
                    return .more
                })
                return FrameCount(count: count, end: end)
            }
        }
        let counted = try result.get()
        return (counted.count, counted.end)
    }

    private struct FrameCount: Sendable {
        var count: Int
        var end: Double
    }

    private static func average(_ frame: UnsafeMutablePointer<AVFrame>, _ region: Region) -> Color {
        let w = Int(frame.pointee.width)
        let h = Int(frame.pointee.height)
        let stride = Int(frame.pointee.linesize.0)
        guard let data = frame.pointee.data.0, w > 0, h > 0 else { return Color(red: 0, green: 0, blue: 0) }
        var r = 0.0
        var g = 0.0
        var b = 0.0
        var n = 0.0
        let x0 = min(w - 1, max(0, Int(region.x * Double(w))))
        let y0 = min(h - 1, max(0, Int(region.y * Double(h))))
        let x1 = max(x0 + 1, min(w, Int((region.x + region.width) * Double(w))))
        let y1 = max(y0 + 1, min(h, Int((region.y + region.height) * Double(h))))
        for y in y0..<y1 {
            let row = data + y * stride
            for x in x0..<x1 {
                r += Double(row[3 * x])
                g += Double(row[3 * x + 1])
                b += Double(row[3 * x + 2])
                n += 1
            }
        }
        return Color(red: r / n, green: g / n, blue: b / n)
    }
}
