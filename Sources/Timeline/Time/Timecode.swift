/// An SMPTE timecode `HH:MM:SS:FF` (non-drop) or `HH:MM:SS;FF` (drop-frame) at a frame rate.
///
/// Timecodes count `rate.timecodeBase` frames per labelled second (30 at 29.97). Drop-frame
/// timecode (only at 30000/1001 and 60000/1001) skips the labels `;00` and `;01` (`;00`–`;03`
/// at 59.94) at the start of every minute except minutes divisible by ten, so the label stays
/// within a few frames of wall-clock time. Hours are not wrapped at 24.
public struct Timecode: Sendable, Hashable, CustomStringConvertible {
    /// Hours (not wrapped at 24).
    public let hours: Int64
    /// Minutes, 0–59.
    public let minutes: Int64
    /// Seconds, 0–59.
    public let seconds: Int64
    /// Frames, 0 ..< rate.timecodeBase.
    public let frames: Int64
    /// The rate the timecode counts.
    public let rate: FrameRate
    /// True for drop-frame labelling.
    public let isDropFrame: Bool

    /// Builds a timecode from its fields, checking they name a frame that exists.
    /// - Throws: ``TimeError/invalidTimecode``, ``TimeError/dropFrameUnsupported``.
    public init(hours: Int64, minutes: Int64, seconds: Int64, frames: Int64, rate: FrameRate, dropFrame: Bool = false) throws(TimeError) {
        let base = rate.timecodeBase
        guard hours >= 0, (0..<60).contains(minutes), (0..<60).contains(seconds), (0..<base).contains(frames) else {
            throw TimeError.invalidTimecode.with(detail: "field out of range")
        }
        if dropFrame {
            guard rate.supportsDropFrame else { throw TimeError.dropFrameUnsupported.with(detail: "rate \(rate)") }
            if seconds == 0, minutes % 10 != 0, frames < Self.dropCount(rate) {
                throw TimeError.invalidTimecode.with(detail: "frame label dropped in drop-frame timecode")
            }
        }
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
        self.frames = frames
        self.rate = rate
        self.isDropFrame = dropFrame
    }

    /// The timecode of frame `frameNumber` (0 is `00:00:00:00`).
    /// - Throws: ``TimeError/invalidTimecode`` for negative frames, ``TimeError/dropFrameUnsupported``.
    public init(frameNumber: Int64, rate: FrameRate, dropFrame: Bool = false) throws(TimeError) {
        guard frameNumber >= 0 else { throw TimeError.invalidTimecode.with(detail: "negative frame \(frameNumber)") }
        if dropFrame, !rate.supportsDropFrame { throw TimeError.dropFrameUnsupported.with(detail: "rate \(rate)") }
        let base = rate.timecodeBase
        var label = frameNumber
        if dropFrame {
            let drop = Self.dropCount(rate)
            let perMinute = base * 60 - drop
            let perTenMinutes = base * 600 - 9 * drop
            let tens = frameNumber / perTenMinutes
            let rest = frameNumber % perTenMinutes
            label += 9 * drop * tens
            if rest >= drop { label += drop * ((rest - drop) / perMinute) }
        }
        let ff = label % base
        let totalSeconds = label / base
        try self.init(
            hours: totalSeconds / 3600,
            minutes: (totalSeconds / 60) % 60,
            seconds: totalSeconds % 60,
            frames: ff,
            rate: rate,
            dropFrame: dropFrame
        )
    }

    /// Parses `HH:MM:SS:FF`; a `;` (or `,`) before the frames means drop-frame.
    /// - Throws: ``TimeError/invalidTimecode``, ``TimeError/dropFrameUnsupported``.
    public init(parsing text: String, rate: FrameRate) throws(TimeError) {
        let chars = Array(text)
        var fields: [Int64] = []
        var current = ""
        var drop = false
        for (i, ch) in chars.enumerated() {
            if ch.isASCII, ch.isNumber {
                current.append(ch)
            } else if ch == ":" || ch == ";" || ch == "," || ch == "." {
                guard !current.isEmpty, current.count <= 9 else { throw TimeError.invalidTimecode.with(detail: text) }
                fields.append(Int64(current)!)
                current = ""
                if ch == ";" || ch == "," {
                    guard fields.count == 3 else { throw TimeError.invalidTimecode.with(detail: text) }
                    drop = true
                }
                _ = i
            } else {
                throw TimeError.invalidTimecode.with(detail: text)
            }
        }
        guard !current.isEmpty, current.count <= 9 else { throw TimeError.invalidTimecode.with(detail: text) }
        fields.append(Int64(current)!)
        guard fields.count == 4 else { throw TimeError.invalidTimecode.with(detail: text) }
        try self.init(hours: fields[0], minutes: fields[1], seconds: fields[2], frames: fields[3], rate: rate, dropFrame: drop)
    }

    /// The frame number this timecode names (0 at `00:00:00:00`).
    public var frameNumber: Int64 {
        let base = rate.timecodeBase
        let totalMinutes = hours * 60 + minutes
        var n = ((hours * 3600 + minutes * 60 + seconds) * base) + frames
        if isDropFrame { n -= Self.dropCount(rate) * (totalMinutes - totalMinutes / 10) }
        return n
    }

    /// Labels dropped per minute: 2 at 29.97, 4 at 59.94.
    static func dropCount(_ rate: FrameRate) -> Int64 { rate.timecodeBase / 15 }

    /// `HH:MM:SS:FF`, or `HH:MM:SS;FF` for drop-frame.
    public var description: String {
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(hours)):\(two(minutes)):\(two(seconds))\(isDropFrame ? ";" : ":")\(two(frames))"
    }
}
