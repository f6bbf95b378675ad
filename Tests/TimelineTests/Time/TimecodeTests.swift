import Testing
import Timeline

@Suite struct TimecodeTests {
    @Test func nonDropFrame() throws {
        let tc = try Timecode(frameNumber: 86_400 + 13, rate: .fps24)
        #expect(tc.description == "01:00:00:13")
        #expect(try Timecode(parsing: "01:00:00:13", rate: .fps24).frameNumber == 86_413)
        // Non-drop at 29.97 counts 30 labels per second.
        #expect(try Timecode(frameNumber: 1800, rate: .fps29_97, dropFrame: false).description == "00:01:00:00")
    }

    @Test func dropFrameAt2997SkipsTwoLabelsPerMinute() throws {
        let r = FrameRate.fps29_97
        #expect(try Timecode(frameNumber: 1799, rate: r, dropFrame: true).description == "00:00:59;29")
        #expect(try Timecode(frameNumber: 1800, rate: r, dropFrame: true).description == "00:01:00;02")
        #expect(try Timecode(frameNumber: 17_982, rate: r, dropFrame: true).description == "00:10:00;00")
        #expect(try Timecode(frameNumber: 107_892, rate: r, dropFrame: true).description == "01:00:00;00")
        #expect(try Timecode(parsing: "00:10:00;00", rate: r).frameNumber == 17_982)
        #expect(throws: TimeError.invalidTimecode) { try Timecode(parsing: "00:01:00;01", rate: r) }
        // Minute 10 keeps its ;00 label.
        #expect(try Timecode(parsing: "00:20:00;00", rate: r).frameNumber == 2 * 17_982)
    }

    @Test func dropFrameAt5994SkipsFourLabels() throws {
        let r = FrameRate.fps59_94
        #expect(try Timecode(frameNumber: 3600, rate: r, dropFrame: true).description == "00:01:00;04")
        #expect(try Timecode(frameNumber: 35_964, rate: r, dropFrame: true).description == "00:10:00;00")
        #expect(throws: TimeError.invalidTimecode) { try Timecode(parsing: "00:01:00;03", rate: r) }
    }

    @Test(arguments: [FrameRate.fps29_97, .fps59_94])
    func dropFrameRoundTripsAndLabelsAreConsecutive(rate: FrameRate) throws {
        var previous: Timecode?
        for n in stride(from: Int64(0), to: 2_200_000, by: 17) {
            let tc = try Timecode(frameNumber: n, rate: rate, dropFrame: true)
            #expect(tc.frameNumber == n)
            #expect(try Timecode(parsing: tc.description, rate: rate) == tc)
            if n < 40_000, let p = previous { #expect(p.description < tc.description || p.hours < tc.hours) }
            previous = tc
        }
        // Every label of the first 12 minutes, frame by frame, maps back to its frame.
        var last: Int64 = -1
        for n in Int64(0)..<Int64(rate.timecodeBase * 60 * 12) {
            let tc = try Timecode(frameNumber: n, rate: rate, dropFrame: true)
            #expect(tc.frameNumber == last + 1)
            last = tc.frameNumber
        }
    }

    @Test func dropFrameDriftsLessThanAFrameFromWallClockPerTenMinutes() throws {
        // After 10 minutes of 29.97 video, drop-frame labels read exactly 00:10:00;00.
        let tenMinutes = try Flicks(seconds: 600)
        let tc = try tenMinutes.timecode(at: .fps29_97)
        #expect(tc.isDropFrame)
        #expect(tc.description == "00:10:00;00")
        #expect(try Flicks(timecode: tc) == (try Flicks(frames: 17_982, rate: .fps29_97)))
    }

    @Test func invalidInput() throws {
        #expect(throws: TimeError.dropFrameUnsupported) { try Timecode(parsing: "00:00:01;00", rate: .fps25) }
        #expect(throws: TimeError.dropFrameUnsupported) { try Flicks(seconds: 1).timecode(at: .fps24, dropFrame: true) }
        #expect(throws: TimeError.invalidTimecode) { try Timecode(parsing: "00:00:00:24", rate: .fps24) }
        #expect(throws: TimeError.invalidTimecode) { try Timecode(parsing: "00:60:00:00", rate: .fps24) }
        #expect(throws: TimeError.invalidTimecode) { try Timecode(parsing: "1:2:3", rate: .fps24) }
        #expect(throws: TimeError.invalidTimecode) { try Timecode(parsing: "aa:00:00:00", rate: .fps24) }
        #expect(throws: TimeError.invalidTimecode) { try Timecode(frameNumber: -1, rate: .fps24) }
        #expect(throws: TimeError.invalidTimecode) { try Flicks(-1).timecode(at: .fps24) }
    }
}
