import CRDT
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A long-lived helper subprocess (pycrdt or the reference Yjs) that the differential tests drive
/// with line-delimited JSON: one request object per line on its stdin, one answer per line on its
/// stdout (`{"ok": true, …}` or `{"ok": false, "error": …}`), bytes as hex. The scripts live beside
/// this file and are found through `#filePath`.
///
/// A missing tool is a test failure with an install hint, never a skip: `make test` installs
/// `pycrdt==0.14.13` (pip) and `node-yjs node-y-protocols node-lib0` (apt).
final class InteropHelper {
    enum Kind: String, CaseIterable, Sendable {
        case pycrdt
        case yjs

        var script: String {
            switch self {
            case .pycrdt: return "pycrdt_helper.py"
            case .yjs: return "node_yjs_helper.cjs"
            }
        }

        var expectedVersion: String {
            switch self {
            case .pycrdt: return "0.14.13"
            case .yjs: return "13.5.43"
            }
        }

        var installHint: String {
            switch self {
            case .pycrdt: return "install it with `pip install pycrdt==0.14.13` (make test does this)"
            case .yjs:
                return "install it with `apt-get install nodejs node-yjs node-y-protocols node-lib0` (make test does this); "
                    + "the helper runs with NODE_PATH=/usr/share/nodejs"
            }
        }
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    let kind: Kind
    private let process: Process
    private let input: Int32
    private let output: Int32
    private var buffer: [UInt8] = []
    private var readStart = 0

    /// Starts the helper and checks its version.
    init(_ kind: Kind) throws {
        _ = Self.ignoreSIGPIPE
        self.kind = kind
        let script = Self.directory.appendingPathComponent(kind.script).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var environment = ProcessInfo.processInfo.environment
        switch kind {
        case .pycrdt:
            process.arguments = ["python3", "-u", script]
            environment["PYTHONIOENCODING"] = "utf-8"
        case .yjs:
            process.arguments = ["node", script]
            let existing = environment["NODE_PATH"].map { ":" + $0 } ?? ""
            environment["NODE_PATH"] = "/usr/share/nodejs" + existing
        }
        process.environment = environment
        let stdinPipe = Pipe()
        let stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            throw InteropFailure("cannot start the \(kind.rawValue) helper (\(error)); \(kind.installHint)")
        }
        self.process = process
        self.input = stdinPipe.fileHandleForWriting.fileDescriptor
        self.output = stdoutPipe.fileHandleForReading.fileDescriptor
        // Keep the pipe objects alive as long as the descriptors are used.
        pipes = (stdinPipe, stdoutPipe)
        let hello: YObject
        do {
            hello = try call(["cmd": "hello"])
        } catch {
            throw InteropFailure("the \(kind.rawValue) helper is not usable: \(error); \(kind.installHint)")
        }
        let version = hello["version"]?.stringValue ?? "?"
        guard version == kind.expectedVersion else {
            throw InteropFailure("\(kind.rawValue) \(version) found, the tests need \(kind.expectedVersion); \(kind.installHint)")
        }
    }

    private var pipes: (Pipe, Pipe)?

    deinit {
        // Close through the FileHandle (never the raw descriptor): FileHandle closes its descriptor
        // again when it is freed, and a second close could hit a descriptor number that another
        // helper (in a test running in parallel) has been given meanwhile.
        try? pipes?.0.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
        try? pipes?.1.fileHandleForReading.close()
    }

    private static let ignoreSIGPIPE: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// Sends one request and returns the answer; an `ok: false` answer throws.
    @discardableResult
    func call(_ request: YAny) throws -> YObject {
        var line = Array(request.jsonString.utf8)
        line.append(0x0A)
        try line.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(input, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw InteropFailure("\(kind.rawValue) helper closed its input (exit status \(exitStatus))")
                }
                offset += n
            }
        }
        let answerLine = try readLine()
        let answer: YAny
        do {
            answer = try YAny(jsonString: answerLine)
        } catch {
            throw InteropFailure("\(kind.rawValue) helper wrote invalid JSON: \(answerLine.prefix(200))")
        }
        guard let object = answer.objectValue else { throw InteropFailure("\(kind.rawValue) helper answer is not an object") }
        guard object["ok"] == .bool(true) else {
            throw InteropFailure("\(kind.rawValue) helper error for \(request.jsonString.prefix(300)): \(object["error"]?.stringValue ?? "?")")
        }
        return object
    }

    private var exitStatus: String {
        process.isRunning ? "running" : String(process.terminationStatus)
    }

    private func readLine() throws -> String {
        var scanFrom = readStart
        while true {
            if let newline = buffer[scanFrom...].firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[readStart..<newline], as: UTF8.self)
                readStart = newline + 1
                if readStart == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    readStart = 0
                }
                return line
            }
            scanFrom = buffer.count
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { read(output, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                process.waitUntilExit()
                throw InteropFailure("\(kind.rawValue) helper exited (status \(process.terminationStatus)) without answering")
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }
}
