import Foundation
import Testing
import Timeline

@Suite struct FlicksTests {
    @Test(arguments: [
        (FrameRate.fps23_976, Int64(29_429_400)), (.fps24, 29_400_000), (.fps25, 28_224_000),
        (.fps29_97, 23_543_520), (.fps30, 23_520_000), (.fps50, 14_112_000), (.fps59_94, 11_771_760), (.fps60, 11_760_000),
    ])
    func commonRatesDivideASecond(rate: FrameRate, perFrame: Int64) throws {
        #expect(rate.flicksPerFrame == perFrame)
        let oneFrame = try Flicks(frames: 1, rate: rate)
        #expect(oneFrame.value == perFrame)
        for n: Int64 in [0, 1, 23, 1001, 86_400 * 60, -5] {
            let f = try Flicks(frames: n, rate: rate)
            #expect(f.frames(at: rate) == n)
            #expect(f.isOnFrameBoundary(at: rate))
        }
    }

    @Test func ntscSecondsAreExactRatios() throws {
        // 1001 frames at 30000/1001 take exactly 1001 × 1001 / 30000 s.
        let f = try Flicks(frames: 1001, rate: .fps29_97)
        #expect(f == (try Flicks(seconds: 1001 * 1001, over: 30000)))
        #expect(try Flicks(frames: 30000, rate: .fps29_97) == (try Flicks(seconds: 1001)))
        // 24000 frames at 23.976 = 1001 s exactly.
        #expect(try Flicks(frames: 24000, rate: .fps23_976) == (try Flicks(seconds: 1001)))
    }

    @Test func roundingModesBetweenFrames() throws {
        let rate = FrameRate.fps24
        let perFrame = rate.flicksPerFrame!
        let mid = Flicks(perFrame * 10 + perFrame / 2)  // exactly half way into frame 10
        #expect(mid.frames(at: rate) == 10)
        #expect(mid.frames(at: rate, rounding: .up) == 11)
        #expect(mid.frames(at: rate, rounding: .nearest) == 11)
        #expect(Flicks(perFrame * 10 + 1).frames(at: rate, rounding: .nearest) == 10)
        let negative = Flicks(-perFrame / 2)
        #expect(negative.frames(at: rate) == -1)
        #expect(negative.frames(at: rate, rounding: .up) == 0)
        #expect(negative.frames(at: rate, rounding: .nearest) == -1)
        #expect(!mid.isOnFrameBoundary(at: rate))
    }

    @Test func unusualRateRoundsAsAsked() throws {
        let rate = try FrameRate(7, 1)  // 705,600,000 / 7 = 100,800,000: exact
        #expect(rate.flicksPerFrame == 100_800_000)
        let odd = try FrameRate(1_000_003, 1)  // prime, does not divide
        #expect(odd.flicksPerFrame == nil)
        let down = try Flicks(frames: 1, rate: odd, rounding: .down)
        let up = try Flicks(frames: 1, rate: odd, rounding: .up)
        #expect(up.value == down.value + 1)
        #expect(down.value == Flicks.perSecond / 1_000_003)
    }

    @Test func samples() throws {
        #expect(try Flicks(samples: 48000, sampleRate: 48000) == (try Flicks(seconds: 1)))
        #expect(try Flicks(samples: 1, sampleRate: 44100).value == 16000)
        #expect(try Flicks(samples: 1, sampleRate: 48000).value == 14700)
        let t = try Flicks(frames: 3, rate: .fps29_97)
        // 3 frames at 29.97 = 3003/30000 s = 4804.8 samples at 48k.
        #expect(t.samples(at: 48000) == 4804)
        #expect(t.samples(at: 48000, rounding: .nearest) == 4805)
        #expect(throws: TimeError.invalidRate) { try Flicks(samples: 1, sampleRate: 0) }
    }

    @Test func secondsFromDecimalAndDouble() throws {
        #expect(try Flicks(seconds: Decimal(string: "1.5")!).value == 1_058_400_000)
        #expect(try Flicks(seconds: Decimal(string: "0.0000000001")!, rounding: .up).value == 1)
        #expect(try Flicks(seconds: Decimal(string: "0.0000000001")!).value == 0)
        #expect(try Flicks(seconds: 2.25).value == 1_587_600_000)
        #expect(throws: TimeError.notFinite) { try Flicks(seconds: Double.nan) }
        #expect(throws: TimeError.outOfRange) { try Flicks(seconds: 1e12) }
        #expect(Flicks(1_058_400_000).seconds == 1.5)
    }

    @Test func outOfRangeIsRejected() throws {
        #expect(throws: TimeError.outOfRange) { try Flicks(seconds: Int64(13_000_000)) }
        #expect(throws: TimeError.outOfRange) { try Flicks(frames: Int64.max / 2, rate: .fps24) }
        #expect(Flicks(Flicks.maxExact).isExactlyStorable)
        #expect(!Flicks(Flicks.maxExact + 1).isExactlyStorable)
    }

    @Test func frameRatesReduceAndRecogniseOTIORates() throws {
        #expect(try FrameRate(48, 2) == .fps24)
        #expect(throws: TimeError.invalidRate) { try FrameRate(0, 1) }
        #expect(throws: TimeError.invalidRate) { try FrameRate(24, -1) }
        #expect(try FrameRate(approximating: 24.0) == .fps24)
        #expect(try FrameRate(approximating: 30000.0 / 1001.0) == .fps29_97)
        #expect(try FrameRate(approximating: 23.976023976023978) == .fps23_976)
        #expect(try FrameRate(approximating: 59.94005994005994) == .fps59_94)
        #expect(try FrameRate(approximating: 12.5) == (try FrameRate(25, 2)))
        #expect(throws: TimeError.invalidRate) { try FrameRate(approximating: -1) }
        #expect(FrameRate.fps29_97.timecodeBase == 30)
        #expect(FrameRate.fps23_976.timecodeBase == 24)
        #expect(FrameRate.fps29_97.supportsDropFrame && FrameRate.fps59_94.supportsDropFrame)
        #expect(!FrameRate.fps23_976.supportsDropFrame && !FrameRate.fps30.supportsDropFrame)
    }

    @Test func codableShapes() throws {
        let data = try JSONEncoder().encode(FrameRate.fps29_97)
        let obj = try JSONSerialization.jsonObject(with: data) as? [String: Int]
        #expect(obj == ["num": 30000, "den": 1001])
        #expect(try JSONDecoder().decode(FrameRate.self, from: Data(#"{"num":50,"den":2}"#.utf8)) == .fps25)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FrameRate.self, from: Data(#"{"num":0,"den":1}"#.utf8)) }
        #expect(String(decoding: try JSONEncoder().encode(Flicks(42)), as: UTF8.self) == "42")
    }

    @Test func rationalTimeConversions() throws {
        let t = try Flicks(frames: 48, rate: .fps24)
        let rt = RationalTime(t, rate: .fps24)
        #expect(rt.value == 48 && rt.rate == 24)
        #expect(try rt.flicks() == t)
        let ntsc = RationalTime(value: 30000, rate: 30000.0 / 1001.0)
        #expect(try ntsc.flicks() == (try Flicks(seconds: 1001)))
        // A half frame at 24 fps is 14,700,000 flicks.
        #expect(try RationalTime(value: 0.5, rate: 24).flicks().value == 14_700_000)
        // Off-boundary flicks are written as fractional frames.
        #expect(RationalTime(Flicks(14_700_000), rate: .fps24).value == 0.5)
        #expect(throws: TimeError.invalidRate) { try RationalTime(value: 1, rate: 0).flicks() }
        #expect(throws: TimeError.notFinite) { try RationalTime(value: .infinity, rate: 24).flicks() }
    }
}
