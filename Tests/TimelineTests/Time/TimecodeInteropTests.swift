import Foundation
import Testing
import Timeline

/// Timecodes agree with opentimelineio's `to_timecode` / `from_timecode`.
@Suite struct TimecodeInteropTests {
    struct Row: Decodable {
        let frame: Int64
        let timecode: String
        let back: Double
    }

    @Test(arguments: [(FrameRate.fps29_97, true), (.fps59_94, true), (.fps29_97, false), (.fps23_976, false), (.fps25, false), (.fps24, false)])
    func matchesTheLibrary(rate: FrameRate, drop: Bool) throws {
        var rng = SeededRandom(seed: UInt64(rate.numerator) &+ (drop ? 1 : 0))
        var frames: [Int64] = [0, 1, 2, 3, 4, 1799, 1800, 1801, 3599, 3600, 3601, 17_981, 17_982, 17_983, 35_964, 107_892, 215_784]
        // Under 24 hours: OTIO wraps the hours at 24, EditBay does not (a timecode names one frame).
        for _ in 0..<300 { frames.append(Int64(rng.next() % UInt64(rate.timecodeBase * 86_000))) }
        let out = try OTIOPython.run(["timecodes", "\(rate.numerator)", "\(rate.denominator)", drop ? "1" : "0"] + frames.map(String.init))
        let rows = try JSONDecoder().decode([Row].self, from: out)
        #expect(rows.count == frames.count)
        for row in rows {
            let ours = try Timecode(frameNumber: row.frame, rate: rate, dropFrame: drop)
            #expect(ours.description == row.timecode, "frame \(row.frame)")
            #expect(try Timecode(parsing: row.timecode, rate: rate).frameNumber == Int64(row.back), "\(row.timecode)")
        }
    }
}
