import CRDT
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Testing

/// A y-websocket client made of our CRDT engine, for server tests (interop with real Yjs peers is
/// proven separately by the pycrdt test).
struct SyncSession {
    let doc: YDoc
    private var messages: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    init(doc: YDoc, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.doc = doc
        self.messages = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
        self.outbound = outbound
    }

    /// The next y-protocols message (nil when the server closed). Suites using this carry a time limit.
    mutating func next() async throws -> ProtocolMessage? {
        while let message = try await messages.next() {
            guard case .binary(let buffer) = message else { continue }
            return try ProtocolMessage.decode(Array(buffer.readableBytesView))
        }
        return nil
    }

    /// Reads messages until one matches; applies sync updates it sees to `doc`.
    mutating func expect(_ matches: (ProtocolMessage) -> Bool) async throws -> ProtocolMessage {
        while let message = try await next() {
            if case .sync(let sync) = message, let update = sync.updatePayload { try doc.applyUpdate(update) }
            if matches(message) { return message }
        }
        throw Closed()
    }

    func send(_ message: ProtocolMessage) async throws {
        try await outbound.write(.binary(ByteBuffer(bytes: message.encode())))
    }

    /// The y-websocket handshake: answer the server's step 1, send ours, apply its step 2.
    mutating func handshake() async throws {
        guard case .sync(.step1(let vector)) = try await expect({ if case .sync(.step1) = $0 { true } else { false } }) else { return }
        try await send(.sync(.step2(update: doc.encodeStateAsUpdate(against: try StateVector(encoded: vector)))))
        try await send(.sync(.step1(stateVector: doc.stateVector.encoded)))
        _ = try await expect { if case .sync(.step2) = $0 { true } else { false } }
    }

    /// Makes a local change and sends the update it produced.
    func edit(_ change: (YDoc) -> Void) async throws {
        var produced: [UInt8]?
        let token = doc.onUpdate { update, _ in produced = update }
        change(doc)
        doc.removeObserver(token)
        if let produced { try await send(.sync(.update(produced))) }
    }

    struct Closed: Error {}
}

/// Connects a sync client to `project` with `token`; returns the server's close frame.
@discardableResult
func withSyncClient(
    port: Int,
    project: String,
    token: String,
    query: String = "",
    _ body: @escaping @Sendable (inout SyncSession) async throws -> Void
) async throws -> WebSocketCloseFrame? {
    try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)/api/projects/\(project)/sync?token=\(token)\(query)",
        configuration: .init(maxFrameSize: 1 << 24),
        logger: Logger(label: "sync-client")
    ) { inbound, outbound, _ in
        var session = SyncSession(doc: YDoc(), inbound: inbound, outbound: outbound)
        try await body(&session)
    }
}
