import CFFmpeg
import Foundation

/// FFmpeg CPU-feature adjustments made once per process, before any FFmpeg context exists.
///
/// On AMD processors FFmpeg 5.1's AVX2 horizontal scalers (libswscale), built on `vpgatherdd`,
/// are slower than its SSSE3 ones: FFmpeg itself marks AMD families up to Zen 3 as having slow
/// gathers (`AV_CPU_FLAG_SLOW_GATHER`), and on the Zen 5 machine the benchmarks run on the flag
/// halves the cost of scaling 1080p sources to the preview size (perf: libswscale from 22 % to
/// 12 % of a decode-and-scale run). The flag only changes which scaler kernels are chosen; the
/// pictures are the same.
enum CPUTuning {
    /// Marks gathers slow on AMD processors (Linux: read from `/proc/cpuinfo`).
    static func apply() {
        guard isAMD else { return }
        av_force_cpu_flags(av_get_cpu_flags() | AV_CPU_FLAG_SLOW_GATHER)
    }

    private static var isAMD: Bool {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return info.split(separator: "\n").first { $0.hasPrefix("vendor_id") }?.contains("AuthenticAMD") ?? false
    }
}
