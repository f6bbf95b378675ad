import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP for the tests that run the built binary.
public enum HTTP {
    /// A status and the JSON object of the body (empty when the body is not one).
    public struct Reply: @unchecked Sendable {  // an immutable JSON tree
        public let status: HTTPResponseStatus
        public let json: [String: Any]
        /// The envelope's `data` object.
        public var data: [String: Any] { json["data"] as? [String: Any] ?? [:] }
    }

    /// Sends a JSON body (if any) with a bearer token (if any).
    public static func call(_ method: HTTPMethod, _ url: String, _ body: [String: Any]? = nil, token: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return Reply(status: response.status, json: json)
    }

    /// Sends a file as the raw body (`video/mp4`).
    public static func upload(_ url: String, file: String, token: String) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "video/mp4")
        request.body = .bytes(ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: file))))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 24)
        return Reply(status: response.status, json: (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:])
    }

    /// Saves the answer's body to `path`.
    public static func download(_ url: String, to path: String, token: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 1 << 28)
        try Data(bytes.readableBytesView).write(to: URL(fileURLWithPath: path))
    }
}
