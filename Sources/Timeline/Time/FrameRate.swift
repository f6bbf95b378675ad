/// A frame rate as an exact ratio of integers, for example 24/1 or 30000/1001 (29.97 fps).
///
/// The ratio is kept reduced, so `FrameRate(48, 2) == FrameRate(24, 1)`. It is stored in the
/// project document as `{num, den}`.
public struct FrameRate: Sendable, Hashable, CustomStringConvertible, Codable {
    /// Frames (numerator), always positive.
    public let numerator: Int64
    /// Per this many seconds (denominator), always positive.
    public let denominator: Int64

    /// Creates a rate of `numerator / denominator` frames per second.
    /// - Throws: ``TimeError/invalidRate`` unless both are positive.
    public init(_ numerator: Int64, _ denominator: Int64 = 1) throws(TimeError) {
        guard numerator > 0, denominator > 0 else {
            throw TimeError.invalidRate.with(detail: "\(numerator)/\(denominator)")
        }
        let g = TimeMath.gcd(numerator, denominator)
        self.numerator = numerator / g
        self.denominator = denominator / g
    }

    private init(unchecked numerator: Int64, _ denominator: Int64) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// 24000/1001 (23.976 fps).
    public static let fps23_976 = FrameRate(unchecked: 24000, 1001)
    /// 24 fps.
    public static let fps24 = FrameRate(unchecked: 24, 1)
    /// 25 fps (PAL).
    public static let fps25 = FrameRate(unchecked: 25, 1)
    /// 30000/1001 (29.97 fps, NTSC; supports drop-frame timecode).
    public static let fps29_97 = FrameRate(unchecked: 30000, 1001)
    /// 30 fps.
    public static let fps30 = FrameRate(unchecked: 30, 1)
    /// 48 fps.
    public static let fps48 = FrameRate(unchecked: 48, 1)
    /// 50 fps.
    public static let fps50 = FrameRate(unchecked: 50, 1)
    /// 60000/1001 (59.94 fps; supports drop-frame timecode).
    public static let fps59_94 = FrameRate(unchecked: 60000, 1001)
    /// 60 fps.
    public static let fps60 = FrameRate(unchecked: 60, 1)

    /// Flicks per frame when that is an integer (true for every rate above), else nil.
    public var flicksPerFrame: Int64? {
        let total = Int128(Flicks.perSecond) * Int128(denominator)
        return total % Int128(numerator) == 0 ? Int64(total / Int128(numerator)) : nil
    }

    /// The whole number of frames a timecode counts per second: the rate rounded up
    /// (30 for 29.97, 24 for 23.976, 25 for 25).
    public var timecodeBase: Int64 { (numerator + denominator - 1) / denominator }

    /// True for 30000/1001 and 60000/1001, the rates with SMPTE drop-frame timecode.
    public var supportsDropFrame: Bool {
        denominator == 1001 && (numerator == 30000 || numerator == 60000)
    }

    /// The rate as a floating-point number, for display and for OTIO's `rate` field only.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// Recognises the exact rate behind a floating-point rate as OTIO writes it: whole numbers,
    /// the NTSC family `n × 1000/1001` (23.976…, 29.97…, 59.94…), or else the nearest ratio with
    /// a denominator up to 1000 that matches to within 1e-9.
    /// - Throws: ``TimeError/invalidRate`` for non-positive or non-finite input.
    public init(approximating rate: Double) throws(TimeError) {
        guard rate.isFinite, rate > 0, rate < 1e9 else { throw TimeError.invalidRate.with(detail: "\(rate)") }
        if rate == rate.rounded() {
            try self.init(Int64(rate), 1)
            return
        }
        let ntsc = rate * 1001 / 1000
        if abs(ntsc - ntsc.rounded()) < 1e-6 * ntsc {
            try self.init(Int64(ntsc.rounded()) * 1000, 1001)
            return
        }
        for den in Int64(2)...1000 {
            let num = (rate * Double(den)).rounded()
            if abs(num / Double(den) - rate) < 1e-9 * rate {
                try self.init(Int64(num), den)
                return
            }
        }
        throw TimeError.invalidRate.with(detail: "\(rate) is not a recognisable ratio")
    }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    private enum CodingKeys: String, CodingKey { case num, den }

    /// Decodes `{num, den}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let num = try c.decode(Int64.self, forKey: .num)
        let den = try c.decodeIfPresent(Int64.self, forKey: .den) ?? 1
        do {
            try self.init(num, den)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .num, in: c, debugDescription: "frame rate must be positive")
        }
    }

    /// Encodes `{num, den}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(numerator, forKey: .num)
        try c.encode(denominator, forKey: .den)
    }
}
