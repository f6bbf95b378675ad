import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real Yjs client in another process (pycrdt or Yjs + y-websocket), driven by JSON lines.
///
/// The scripts next to this file connect, do the y-websocket handshake with their own library, print
/// `{"event": "ready", ...}`, then answer each command written to their stdin with exactly one JSON line
/// (see the header of `pycrdt_client.py`). An answer with an `error` field becomes a thrown error that
/// carries the process's stderr, so a failing interop test explains itself.
final class InteropPeer: @unchecked Sendable {  // mutable state is guarded by `lock`
    enum Kind: String, Sendable {
        case pycrdt
        case yWebsocket = "y-websocket"

        /// What to install when the client cannot start.
        var requirements: String {
            switch self {
            case .pycrdt: "python3 with pip packages pycrdt==0.14.13 and websockets"
            case .yWebsocket: "node with the Debian packages node-yjs node-y-protocols node-lib0 node-y-websocket node-ws"
            }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let kind: Kind
    let label: String
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private let lock = NSLock()
    private var pending = Data()
    private var lines: [String] = []
    private var ended = false
    private var stderrData = Data()
    private var waiter: (id: Int, continuation: CheckedContinuation<Next, Never>)?
    private var waiterCount = 0
    /// The `ready` line: `clientID`, `versions`, `doc`.
    private(set) var hello = JSON([:])

    private enum Next: Sendable {
        case line(String)
        case ended
        case timedOut
    }

    /// The directory of the client scripts (this file's directory).
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// Starts a pycrdt client on `ws://127.0.0.1:port/api/projects/project/sync`.
    static func pycrdt(_ label: String, port: Int, project: String, token: String, ack: Bool = false) async throws -> InteropPeer {
        var arguments = [
            "python3", scripts.appendingPathComponent("pycrdt_client.py").path,
            "--url", "ws://127.0.0.1:\(port)/api/projects/\(project)/sync", "--token", token,
        ]
        if ack { arguments.append("--ack") }
        return try await launch(.pycrdt, label, arguments)
    }

    /// Starts a Yjs client with y-websocket's `WebsocketProvider` (server URL + room name "sync").
    static func yWebsocket(_ label: String, port: Int, project: String, token: String) async throws -> InteropPeer {
        try await launch(
            .yWebsocket, label,
            [
                "node", scripts.appendingPathComponent("ywebsocket_client.cjs").path,
                "--server", "ws://127.0.0.1:\(port)/api/projects/\(project)", "--token", token,
            ]
        )
    }

    private static func launch(_ kind: Kind, _ label: String, _ arguments: [String]) async throws -> InteropPeer {
        signal(SIGPIPE, SIG_IGN)  // a client that died must fail the test, not kill the test process
        let script = URL(fileURLWithPath: arguments[1])
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw Failure(description: "\(label): the client script \(script.path) is missing")
        }
        let peer = InteropPeer(kind: kind, label: label)
        var environment = ProcessInfo.processInfo.environment
        let nodePath = environment["NODE_PATH"].map { $0 + ":" } ?? ""
        environment["NODE_PATH"] = nodePath + "/usr/share/nodejs"
        do {
            try peer.start(arguments, environment: environment)
        } catch {
            throw Failure(description: "\(label): could not start \(arguments[0]) (\(error)); needs \(kind.requirements)")
        }
        let hello = try await peer.reply(to: "the handshake", timeout: .seconds(30))
        guard hello["event"] as? String == "ready" else {
            peer.terminate()
            throw Failure(description: "\(label): unexpected first line \(hello.text)")
        }
        peer.hello = hello
        return peer
    }

    private init(kind: Kind, label: String) {
        self.kind = kind
        self.label = label
    }

    deinit { terminate() }

    private func start(_ arguments: [String], environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            self?.received(data)
        }
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                return
            }
            guard let self else { return }
            self.lock.withLock { self.stderrData.append(data) }
        }
        try process.run()
    }

    private func received(_ data: Data) {
        let resume: (CheckedContinuation<Next, Never>, Next)? = lock.withLock {
            if data.isEmpty {
                ended = true
            } else {
                pending.append(data)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending = Data(pending[pending.index(after: newline)...])
                }
            }
            guard let current = waiter else { return nil }
            if !lines.isEmpty {
                waiter = nil
                return (current.continuation, .line(lines.removeFirst()))
            }
            if ended {
                waiter = nil
                return (current.continuation, .ended)
            }
            return nil
        }
        if let (continuation, next) = resume { continuation.resume(returning: next) }
    }

    private func next(timeout: Duration) async -> Next {
        let id = lock.withLock {
            waiterCount += 1
            return waiterCount
        }
        return await withCheckedContinuation { continuation in
            let immediate: Next? = lock.withLock {
                if !lines.isEmpty { return .line(lines.removeFirst()) }
                if ended { return .ended }
                waiter = (id, continuation)
                return nil
            }
            if let immediate {
                continuation.resume(returning: immediate)
                return
            }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.expire(id)
            }
        }
    }

    private func expire(_ id: Int) {
        let continuation: CheckedContinuation<Next, Never>? = lock.withLock {
            guard let current = waiter, current.id == id else { return nil }
            waiter = nil
            return current.continuation
        }
        continuation?.resume(returning: .timedOut)
    }

    /// What the process wrote to stderr so far (the last 4000 characters).
    var stderr: String {
        String(String(decoding: lock.withLock { stderrData }, as: UTF8.self).suffix(4000))
    }

    private func reply(to what: String, timeout: Duration) async throws -> JSON {
        switch await next(timeout: timeout) {
        case .line(let line):
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw Failure(description: "\(label): answer to \(what) is not a JSON object: \(line)\nstderr:\n\(stderr)")
            }
            if let error = object["error"] as? String {
                throw Failure(description: "\(label) (\(kind.rawValue)): \(what) failed: \(error)\nstderr:\n\(stderr)")
            }
            return JSON(object)
        case .ended:
            process.waitUntilExit()
            throw Failure(
                description: "\(label) (\(kind.rawValue)) exited with status \(process.terminationStatus) before answering \(what); "
                    + "it needs \(kind.requirements).\nstderr:\n\(stderr)"
            )
        case .timedOut:
            throw Failure(description: "\(label) (\(kind.rawValue)): no answer to \(what) within \(timeout)\nstderr:\n\(stderr)")
        }
    }

    /// Sends one command and returns its answer.
    @discardableResult
    func send(_ command: [String: Any], timeout: Duration = .seconds(30)) async throws -> JSON {
        let line = try JSONSerialization.data(withJSONObject: command, options: [.sortedKeys]) + Data("\n".utf8)
        let what = String(decoding: line.dropLast(), as: UTF8.self)
        do {
            try input.fileHandleForWriting.write(contentsOf: line)
        } catch {
            throw Failure(description: "\(label): cannot send \(what): \(error)\nstderr:\n\(stderr)")
        }
        return try await reply(to: what, timeout: timeout)
    }

    /// The client's document as JSON: the root maps `meta`, `tracks`, `clips`, `assets`, `markers`.
    func document() async throws -> JSON {
        JSON(try await send(["cmd": "dump"])["doc"] as? [String: Any] ?? [:])
    }

    /// Edits one root map entry (an object becomes a nested Y.Map with those fields).
    @discardableResult
    func set(_ root: String, _ key: String, _ value: Any) async throws -> JSON {
        try await send(["cmd": "set", "root": root, "key": key, "value": value])
    }

    /// Waits until every path exists in the client's document and each `equal` path has its value;
    /// returns the document.
    @discardableResult
    func waitFor(_ paths: [[String]], equal: [([String], Any)] = []) async throws -> JSON {
        let reply = try await send(["cmd": "waitFor", "has": paths, "equal": equal.map { [$0.0, $0.1] }])
        return JSON(reply["doc"] as? [String: Any] ?? [:])
    }

    /// Closes the connection cleanly and waits for the process to end.
    func close() async throws {
        try await send(["cmd": "close"])
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Kills the process if it still runs.
    func terminate() {
        if process.isRunning { process.terminate() }
    }
}

/// A JSON object from a client or the server (JSONSerialization trees are never mutated here).
struct JSON: @unchecked Sendable {
    let object: [String: Any]

    init(_ object: [String: Any]) { self.object = object }

    subscript(key: String) -> Any? { object[key] }

    /// A nested object by path (empty when absent).
    func at(_ path: String...) -> JSON {
        var current: Any? = object
        for key in path { current = (current as? [String: Any])?[key] }
        return JSON(current as? [String: Any] ?? [:])
    }

    /// Canonical text (sorted keys), for comparing JSON values whatever produced them.
    var text: String { Self.canonical(object) }

    static func canonical(_ value: Any?) -> String {
        guard let value else { return "null" }
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else {
            return "\(value)"
        }
        return String(decoding: data, as: UTF8.self)
    }
}
