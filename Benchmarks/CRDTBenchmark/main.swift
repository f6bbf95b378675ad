// CRDT benchmark on a real editing trace (default: the automerge-paper trace, 259,778 edits).
//
//   swift run -c release CRDTBenchmark [TRACE.json.gz]
//
// The trace holds `txns[].patches[]` = `[position, deleteCount, insertText]` and `endContent`.
// Prints one JSON line:
//   edits            number of patches
//   local_apply_s    every patch as its own transaction on a YText (no update observer)
//   local_apply_with_updates_s  the same with an update observer capturing each transaction's update
//   encode_ms        encodeStateAsUpdate of the whole final state (median of 5, CRDT_BENCH_REPEAT)
//   decode_ms        apply that state to an empty document and read the text back (median of 5, CRDT_BENCH_REPEAT)
//   doc_bytes        size of the encoded state
//   remote_apply_s   apply the per-edit updates one by one to a new document, as a server receives them
//   peak_rss_mb      VmHWM from /proc/self/status
// Exits non-zero if any resulting text differs from `endContent`.
import CRDT
import Foundation

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data(("CRDTBenchmark: " + message + "\n").utf8))
    exit(1)
}

/// Reads a (gzipped) JSON trace by spawning `gzip -dc` (Foundation has no gzip decoder on Linux).
func loadTrace(_ path: String) -> Trace {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = path.hasSuffix(".gz") ? ["gzip", "-dc", path] : ["cat", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { fail("cannot run gzip: \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { fail("cannot read \(path)") }
    do {
        return try TraceReader.read([UInt8](data))
    } catch {
        fail("\(path) is not an editing trace (\(error))")
    }
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func round(_ value: Double, _ digits: Int) -> Double {
    let scale = pow(10, Double(digits))
    return (value * scale).rounded() / scale
}

/// Runs every patch as its own transaction; returns the elapsed seconds.
func replay(_ trace: Trace, on doc: YDoc) throws -> Double {
    let text = doc.getText("text")
    if !trace.startContent.isEmpty { try text.insert(trace.startContent, at: 0) }
    let start = now()
    for e in 0..<trace.count {
        let position = trace.positions[e]
        let deleteCount = trace.deletes[e]
        let insert = trace.inserts[e]
        try doc.transact { () throws(CRDTError) in
            if deleteCount > 0 { try text.delete(at: position, count: deleteCount) }
            if !insert.isEmpty { try text.insert(insert, at: position) }
        }
    }
    return now() - start
}

let path = CommandLine.arguments.dropFirst().first ?? "/work/shared/traces/automerge-paper.json.gz"
/// How often encode and decode run (median reported); raise it to profile them
/// (e.g. `CRDT_BENCH_REPEAT=200 perf record -g .build/release/CRDTBenchmark`).
let repeats = max(1, ProcessInfo.processInfo.environment["CRDT_BENCH_REPEAT"].flatMap(Int.init) ?? 5)
let trace = loadTrace(path)

/// Replays the trace with an update observer and returns the per-transaction updates (what a
/// client sends to a server) and the elapsed seconds; the document is dropped afterwards.
func capture(_ trace: Trace) throws -> (updates: [[UInt8]], seconds: Double) {
    let doc = YDoc(clientID: 1)
    var updates: [[UInt8]] = []
    updates.reserveCapacity(trace.count + 1)
    doc.onUpdate { update, _ in updates.append(update) }
    let seconds = try replay(trace, on: doc)
    guard doc.getText("text").toString() == trace.endContent else { fail("captured text differs from endContent") }
    return (updates, seconds)
}

do {
    // 1. The per-edit updates, captured on a first run.
    let (updates, capturedSeconds) = try capture(trace)

    // 2. Local edits, nobody listening.
    let local = YDoc(clientID: 1)
    let localSeconds = try replay(trace, on: local)
    guard local.getText("text").toString() == trace.endContent else { fail("local text differs from endContent") }

    // 3. Encode and decode the whole state.
    var state: [UInt8] = []
    var encodeTimes: [Double] = []
    for _ in 0..<repeats {
        let t0 = now()
        state = local.encodeStateAsUpdate()
        encodeTimes.append(now() - t0)
    }
    var decodeTimes: [Double] = []
    for _ in 0..<repeats {
        let t0 = now()
        let fresh = YDoc(clientID: 2)
        try fresh.applyUpdate(state)
        let decoded = fresh.getText("text").toString()
        decodeTimes.append(now() - t0)
        guard decoded == trace.endContent else { fail("decoded text differs from endContent") }
    }

    // 4. A server receiving the per-edit updates one by one.
    let remote = YDoc(clientID: 3)
    let t0 = now()
    for update in updates { try remote.applyUpdate(update) }
    let remoteSeconds = now() - t0
    guard remote.getText("text").toString() == trace.endContent else { fail("remote text differs from endContent") }

    let fields: [(String, String)] = [
        ("edits", "\(trace.count)"),
        ("local_apply_s", "\(round(localSeconds, 4))"),
        ("local_apply_with_updates_s", "\(round(capturedSeconds, 4))"),
        ("encode_ms", "\(round(median(encodeTimes) * 1000, 3))"),
        ("decode_ms", "\(round(median(decodeTimes) * 1000, 3))"),
        ("doc_bytes", "\(state.count)"),
        ("remote_apply_s", "\(round(remoteSeconds, 4))"),
        ("updates", "\(updates.count)"),
        ("peak_rss_mb", "\(round(peakRSSMegabytes(), 1))"),
    ]
    print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
} catch {
    fail("\(error)")
}
