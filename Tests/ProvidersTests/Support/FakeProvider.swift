import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Providers
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fake provider server (`FakeProvider/fake_provider.py`) in a child process on 127.0.0.1, port 0.
final class FakeProvider: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One request the fake saw.
    struct Entry: Decodable, Sendable {
        var method: String
        var path: String
        var t: Double
        var prompt: String?
        var prediction: String?
        var create: Bool?
        var cancel: Bool?
        var download: String?
        var request: JSONValue?
    }

    /// One webhook the fake delivered to its own sink, as received.
    struct Delivery: Decodable, Sendable {
        var headers: [String: String]
        var body: String
    }

    static let token = "r8_fake_token_\(UUID().uuidString.prefix(8))"
    static let webhookSecret = "whsec_" + Data((0..<24).map { UInt8($0 * 7 % 251) }).base64EncodedString()
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FakeProvider/fake_provider.py")

    let port: Int
    private let process: Process
    private let stdin: Pipe

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, process: Process, stdin: Pipe) {
        self.port = port
        self.process = process
        self.stdin = stdin
    }

    /// Runs `body` with a fresh fake, stopped afterwards.
    static func with<Result>(_ body: (FakeProvider) async throws -> Result) async throws -> Result {
        let fake = try await start()
        defer { fake.stop() }
        return try await body(fake)
    }

    static func start() async throws -> FakeProvider {
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--token", token, "--webhook-secret", webhookSecret]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input  // the fake exits when this closes
        let firstLine = AsyncStream<String>.makeStream()
        let buffer = Mutex(Data())
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                firstLine.continuation.finish()
                return
            }
            let line: String? = buffer.withLock { buffer in
                buffer.append(data)
                guard let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                return String(decoding: buffer[..<newline], as: UTF8.self)
            }
            if let line {
                handle.readabilityHandler = nil
                firstLine.continuation.yield(line)
                firstLine.continuation.finish()
            }
        }
        try process.run()
        var hello: String?
        for await line in firstLine.stream {
            hello = line
            break
        }
        guard let hello, let json = try? JSONDecoder().decode([String: Int].self, from: Data(hello.utf8)), let port = json["port"]
        else {
            process.terminate()
            throw Failure(description: "the fake provider did not start (python3 \(script.path))")
        }
        return FakeProvider(port: port, process: process, stdin: input)
    }

    /// Closes the fake's stdin (it exits on EOF) and sends SIGTERM; does not block on the exit.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    private func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + path), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 64 << 20)
        return try JSONDecoder().decode(T.self, from: Data(buffer: body))
    }

    /// Every request seen so far.
    func log() async throws -> [Entry] { try await get("/_control/log", as: [Entry].self) }

    /// Webhooks delivered to `/_control/sink`.
    func deliveries() async throws -> [Delivery] { try await get("/_control/deliveries", as: [Delivery].self) }

    /// The fake's record of a prediction (`polls`, `cancelled`, ...).
    func prediction(_ id: String) async throws -> [String: JSONValue] {
        try await get("/_control/predictions/\(id)", as: [String: JSONValue].self)
    }

    /// Create calls (answered or not) carrying `prompt`.
    func creates(_ prompt: String) async throws -> [Entry] {
        try await log().filter { $0.create == true && $0.prompt == prompt }
    }

    /// Calls to an OpenAI endpoint carrying `prompt`.
    func calls(_ path: String, _ prompt: String) async throws -> [Entry] {
        try await log().filter { $0.path == path && $0.prompt == prompt }
    }

    /// Cancel calls for a prediction.
    func cancels(_ predictionID: String) async throws -> [Entry] {
        try await log().filter { $0.cancel == true && $0.prediction == predictionID }
    }

    /// Where the fake should deliver webhooks so tests can read them back.
    var sinkURL: String { baseURL + "/_control/sink" }
}
