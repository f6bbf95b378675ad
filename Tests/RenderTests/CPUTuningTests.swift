import CFFmpeg
import Foundation
@testable import Render
import Testing

@Suite("FFmpeg CPU tuning")
struct CPUTuningTests {
    @Test("on AMD processors FFmpeg is told gathers are slow once it is set up")
    func amdGathersAreSlow() throws {
        _ = FFmpegCall.setUp
        let cpuInfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let slowGather = av_get_cpu_flags() & AV_CPU_FLAG_SLOW_GATHER != 0
        if cpuInfo.contains("AuthenticAMD") {
            #expect(slowGather)
        } else {
            // Elsewhere FFmpeg's own detection decides; setting up must not have cleared its other flags.
            #expect(av_get_cpu_flags() != 0)
        }
    }
}
