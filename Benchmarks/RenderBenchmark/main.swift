import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Render
import Timeline

// `make bench-render`: a 60 s 1920×1080 30 fps timeline (12 clips on 2 video tracks, 2 crossfades,
// 2 audio tracks) rendered in-process with the `final` and `preview` presets, and the same filter
// graph and encoder settings through the `ffmpeg` command-line tool when it is on PATH.
// Options: --keep DIR (keep media and outputs there), --no-ffmpeg, --parallel (also time two
// 30 s halves rendered at once against one after the other), --runs N (best of N, default 1),
// --only final|preview (render one preset), --reuse (with --keep: use media already generated there),
// --graph (print each preset's filter graph).

struct Options {
    var keep: String?
    var ffmpeg = true
    var parallel = false
    var runs = 1
    var only: String?
    var reuse = false
    var printGraph = false

    init(_ args: [String]) {
        var it = args.makeIterator()
        while let a = it.next() {
            switch a {
            case "--keep": keep = it.next()
            case "--no-ffmpeg": ffmpeg = false
            case "--parallel": parallel = true
            case "--runs": runs = Int(it.next() ?? "") ?? 1
            case "--only": only = it.next()
            case "--reuse": reuse = true
            case "--graph": printGraph = true
            default: say("unknown option \(a)")
            }
        }
    }
}

func seconds(_ s: Double) -> Flicks { try! Flicks(seconds: s) }

/// CPU seconds used so far by this process (all threads) and by its reaped children.
func cpuSeconds() -> (own: Double, children: Double) {
    var t = tms()
    _ = times(&t)
    let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (Double(t.tms_utime + t.tms_stime) / tick, Double(t.tms_cutime + t.tms_cstime) / tick)
}

/// Runs `body` `runs` times: the last result, the best wall time, and the mean CPU seconds
/// (this process's threads plus reaped child processes).
func measure<T>(_ runs: Int = 1, _ body: () async throws -> T) async rethrows -> (value: T, wall: Double, cpu: Double) {
    var bestWall = Double.infinity
    var cpuTotal = 0.0
    var last: T?
    for _ in 0..<max(1, runs) {
        let before = cpuSeconds()
        let start = ContinuousClock.now
        last = try await body()
        let d = ContinuousClock.now - start
        let after = cpuSeconds()
        bestWall = min(bestWall, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        cpuTotal += (after.own - before.own) + (after.children - before.children)
    }
    return (last!, bestWall, cpuTotal / Double(max(1, runs)))
}

/// Prints a line at once (stdout is block-buffered when piped).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let options = Options(Array(CommandLine.arguments.dropFirst()))
let dir = options.keep ?? (NSTemporaryDirectory() + "editbay-bench-render-" + UUID().uuidString)
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { if options.keep == nil { try? FileManager.default.removeItem(atPath: dir) } }
func file(_ name: String) -> String { dir + "/" + name }

// 1. Media (not timed in the figures): four 20 s 1080p30 H.264 sources with sound, a music bed and a voice tone.
let hd = MediaGenerator.Format(width: 1920, height: 1080, rate: .fps30)
// Keyframe every second, like camera and phone footage (seeking to an in point decodes at most 1 s of pre-roll).
let fast = EncoderSettings(x264Preset: "ultrafast", crf: 18, keyframeInterval: 30)
let generated = options.reuse && options.keep != nil && ["src0.mp4", "src1.mp4", "src2.mp4", "src3.mp4", "music.m4a", "voice.wav"].allSatisfy {
    FileManager.default.fileExists(atPath: file($0))
}
let generation = try await measure {
    if generated { return }
    let looks = ["", ",hue=h=120", ",negate", ",hue=h=240"]
    for (i, look) in looks.enumerated() {
        try await GraphEncoder.encode(
            graph: "testsrc2=s=1920x1080:r=30:d=20\(look),format=yuv420p[vout];sine=f=\(300 + 100 * i):r=48000:d=20[aout]",
            to: file("src\(i).mp4"),
            settings: fast
        )
    }
    try await MediaGenerator.tone(to: file("music.m4a"), frequency: 220, amplitude: 0.3, duration: seconds(60))
    try await MediaGenerator.tone(to: file("voice.wav"), frequency: 880, amplitude: 0.4, duration: seconds(20))
}
say(String(format: "media generated in %.1f s (not part of the figures)", generation.wall))

// 2. The timeline.
let project = ProjectDocument.create(ProjectMeta(name: "bench", rate: .fps30, width: 1920, height: 1080))
var files: [String: String] = [:]
var ops: [EditOperation] = [
    .addTrack(AddTrack(id: "v1", kind: .video, name: "V1")),
    .addTrack(AddTrack(id: "v2", kind: .video, name: "V2", after: "v1")),
    .addTrack(AddTrack(id: "a1", kind: .audio, name: "A1", after: "v2")),
    .addTrack(AddTrack(id: "a2", kind: .audio, name: "A2", after: "a1")),
]
for i in 0..<4 {
    ops.append(.addAsset(AddAsset(asset: AssetRecord(id: "src\(i)", kind: .video, name: "src\(i)", duration: seconds(20), hasAudio: true))))
    files["src\(i)"] = file("src\(i).mp4")
}
ops.append(.addAsset(AddAsset(asset: AssetRecord(id: "music", kind: .audio, name: "music", duration: seconds(60)))))
ops.append(.addAsset(AddAsset(asset: AssetRecord(id: "voice", kind: .audio, name: "voice", duration: seconds(20)))))
files["music"] = file("music.m4a")
files["voice"] = file("voice.wav")
// V1: eight 7.5 s clips covering 0…60 s, in points 2 s into their sources (handles for the crossfades).
for k in 0..<8 {
    ops.append(.addClip(AddClip(id: "b\(k)", track: "v1", asset: "src\(k % 4)", start: seconds(7.5 * Double(k)), duration: seconds(7.5), inPoint: seconds(2))))
}
// V2: four 5 s clips over it (one at 70 % opacity).
for (k, start) in [5.0, 20, 35, 50].enumerated() {
    ops.append(.addClip(AddClip(id: "u\(k)", track: "v2", asset: "src\((k + 1) % 4)", start: seconds(start), duration: seconds(5), inPoint: seconds(1))))
}
ops.append(.setClip(SetClip(clip: "b2", transitionIn: ClipTransition(kind: "dissolve", duration: seconds(1)))))
ops.append(.setClip(SetClip(clip: "b6", transitionIn: ClipTransition(kind: "dissolve", duration: seconds(1)))))
ops.append(.setClip(SetClip(clip: "u2", opacity: 0.7)))
// Audio: a music bed under everything (two clips), and voice at −6 dB on the second track.
ops.append(.addClip(AddClip(id: "m0", track: "a1", asset: "music", start: .zero, duration: seconds(30))))
ops.append(.addClip(AddClip(id: "m1", track: "a1", asset: "music", start: seconds(30), duration: seconds(30), inPoint: seconds(30))))
for (k, start) in [4.0, 24, 44].enumerated() {
    ops.append(.addClip(AddClip(id: "vo\(k)", track: "a2", asset: "voice", start: seconds(start), duration: seconds(10), inPoint: seconds(Double(k) * 3))))
    ops.append(.setClip(SetClip(clip: "vo\(k)", gain: 0.5)))
}
try project.apply(ops)
let view = try project.view()
let fileMap = files
let renderer = TimelineRenderer { fileMap[$0] }
let realTime = view.duration.seconds
say(String(format: "timeline: %.1f s, 1920x1080 @ 30 fps, 12 video clips on 2 tracks, 2 crossfades, 2 audio tracks", realTime))

func ratio(_ t: Double) -> String { String(format: "%.2fx real time (%.1f fps)", t / realTime, realTime * 30 / t) }

// 3. In-process renders.
say(String(format: "load average before the renders: %@", (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"))
/// One preset's in-process render: wall seconds (best of the runs) and CPU seconds (mean).
struct Timing {
    var wall: Double
    var cpu: Double
}

func renderPreset(_ preset: RenderPreset) async throws -> Timing? {
    guard options.only == nil || options.only == preset.name else { return nil }
    if options.printGraph {
        let (graph, wall, _) = try await measure { try await renderer.graph(for: view, preset: preset) }
        say(graph.description)
        say(String(format: "(probing the sources and building the graph took %.3f s)", wall))
    }
    let (summary, wall, cpu) = try await measure(options.runs) { try await renderer.render(view, to: file("\(preset.name).mp4"), preset: preset) }
    let name = preset.name.padding(toLength: 7, withPad: " ", startingAt: 0)
    say(String(format: "%@ (%dx%d, x264 %@ crf %d): %.2f s = %@, CPU %.1f s", name, summary.width, summary.height, preset.encoder.x264Preset, preset.encoder.crf, wall, ratio(wall), cpu))
    let probe = try await MediaProbe.probe(path: summary.path)
    say("\(preset.name) output: \(probe.video?.width ?? 0)x\(probe.video?.height ?? 0), \(summary.frames) frames, \(String(format: "%.3f", probe.durationSeconds ?? 0)) s")
    return Timing(wall: wall, cpu: cpu)
}

let finalTiming = try await renderPreset(.final)
let previewTiming = try await renderPreset(.preview)
if let f = finalTiming, let p = previewTiming {
    say(String(format: "preview is %.1fx faster than final (CPU %.1fx)", f.wall / p.wall, f.cpu / p.cpu))
}

// 4. The ffmpeg command-line tool on the same graph and encoder settings.
func findFFmpeg() -> String? {
    for d in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let p = "\(d)/ffmpeg"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

func runFFmpeg(_ ffmpeg: String, preset: RenderPreset, output: String) async throws -> (wall: Double, cpu: Double) {
    let graph = try await renderer.graph(for: view, preset: preset)
    let script = file("graph-\(preset.name).txt")
    try graph.description.write(toFile: script, atomically: true, encoding: .utf8)
    var args = ["-hide_banner", "-loglevel", "error", "-y", "-filter_complex_script", script, "-map", "[vout]", "-map", "[aout]"]
    args += ["-c:v", "libx264", "-preset", preset.encoder.x264Preset, "-crf", String(preset.encoder.crf)]
    if let tune = preset.encoder.x264Tune { args += ["-tune", tune] }
    args += ["-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", String(preset.encoder.audioBitRate), "-ar", "48000", "-ac", "2", "-movflags", "+faststart", output]
    let (_, t, c) = try await measure(options.runs) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ffmpeg)
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus != 0 { say("ffmpeg exited with \(p.terminationStatus)") }
    }
    return (t, c)
}

if !options.ffmpeg {
    say("ffmpeg comparison skipped (--no-ffmpeg)")
} else if let ffmpeg = findFFmpeg() {
    for (preset, timing) in [(RenderPreset.final, finalTiming), (.preview, previewTiming)] {
        guard let timing else { continue }
        let cli = try await runFFmpeg(ffmpeg, preset: preset, output: file("cli-\(preset.name).mp4"))
        let name = (preset.name + ":").padding(toLength: 8, withPad: " ", startingAt: 0)
        say(String(format: "ffmpeg CLI, same graph, %@ %.2f s = %@, CPU %.1f s; in-process/CLI ratio %.2f (CPU %.2f)", name, cli.wall, ratio(cli.wall), cli.cpu, timing.wall / cli.wall, timing.cpu / cli.cpu))
    }
} else {
    say("ffmpeg is not on PATH: the CLI comparison was skipped (install it with `apt-get install -y ffmpeg`; `make bench-render` does)")
}

// 5. Parallel segments: two 30 s halves (split at the hard cut at 30 s on every track) at once, against one after the other.
if options.parallel {
    func half(_ from: Double, _ to: Double) throws -> TimelineView {
        var v = view
        let lo = seconds(from), hi = seconds(to)
        for i in v.tracks.indices {
            v.tracks[i].clips = v.tracks[i].clips.compactMap { c -> ClipRecord? in
                guard c.end > lo, c.start < hi else { return nil }
                var c = c
                let cut = max(lo, c.start)
                if c.start < lo { c.transitionIn = nil }
                c.inPoint = c.inPoint + Flicks(Int64(Double((cut - c.start).value) * c.speed))
                c.duration = min(hi, c.end) - cut
                c.start = cut - lo
                return c
            }
        }
        v.duration = hi - lo
        return v
    }
    let first = try half(0, 30)
    let second = try half(30, 60)
    let (_, sequential, sequentialCPU) = try await measure {
        try await renderer.render(first, to: file("seg0.mp4"))
        try await renderer.render(second, to: file("seg1.mp4"))
    }
    let (_, parallel, parallelCPU) = try await measure {
        async let a = renderer.render(first, to: file("par0.mp4"))
        async let b = renderer.render(second, to: file("par1.mp4"))
        _ = try await (a, b)
    }
    say(String(format: "segments: two 30 s halves one after the other %.2f s (CPU %.1f s), both at once %.2f s (CPU %.1f s)", sequential, sequentialCPU, parallel, parallelCPU))
}
