import Foundation

/// A Replicate prediction as `POST /v1/predictions` and `GET /v1/predictions/{id}` return it.
struct ReplicatePrediction: Sendable, Decodable {
    enum Status: String, Sendable, Decodable {
        case starting, processing, succeeded, failed, canceled

        var isTerminal: Bool { self == .succeeded || self == .failed || self == .canceled }
    }

    var id: String
    var status: Status
    var output: JSONValue?
    var error: JSONValue?
    var model: String?
    var version: String?
    var metrics: JSONValue?
    var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id, status, output, error, model, version, metrics
        case createdAt = "created_at"
    }

    /// The first output URL: `output` is a URL or a list of URLs.
    var outputURL: String? {
        switch output {
        case .string(let url): url
        case .array(let items): items.lazy.compactMap(\.stringValue).first
        default: nil
        }
    }

    /// The provider's error text, whatever its shape.
    var errorText: String {
        switch error {
        case .string(let text): text
        case .object(let object): object["message"]?.stringValue ?? object["detail"]?.stringValue ?? "unknown error"
        default: "the prediction failed without an error message"
        }
    }

    /// What goes into ``GeneratedOutput/metadata``.
    var metadata: [String: JSONValue] {
        var metadata: [String: JSONValue] = ["prediction_id": .string(id), "status": .string(status.rawValue)]
        if let model { metadata["model"] = .string(model) }
        if let version { metadata["version"] = .string(version) }
        if let metrics { metadata["metrics"] = metrics }
        if let createdAt { metadata["created_at"] = .string(createdAt) }
        return metadata
    }
}

/// The body of a create call.
struct ReplicateCreateBody: Encodable {
    var version: String?
    var input: [String: JSONValue]
    var webhook: String?
    var webhookEventsFilter: [String]?

    enum CodingKeys: String, CodingKey {
        case version, input, webhook
        case webhookEventsFilter = "webhook_events_filter"
    }
}

/// File names and MIME types of outputs.
enum MediaTypes {
    static let byExtension: [String: String] = [
        "mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "mkv": "video/x-matroska",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif",
        "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "flac": "audio/flac", "txt": "text/plain",
    ]

    static let defaultExtension: [GenerationKind: String] = [.video: "mp4", .image: "png", .speech: "mp3", .script: "txt"]

    /// The extension and MIME type of an output URL, falling back to the kind's default.
    static func guess(url: String, kind: GenerationKind) -> (ext: String, mediaType: String) {
        let path = url.hasPrefix("data:") ? "" : (URLComponents(string: url)?.path ?? "")
        let ext = (path as NSString).pathExtension.lowercased()
        if let type = byExtension[ext] { return (ext, type) }
        if url.hasPrefix("data:"), let semicolon = url.firstIndex(of: ";") {
            let type = String(url[url.index(url.startIndex, offsetBy: 5)..<semicolon])
            if let match = byExtension.first(where: { $0.value == type }) { return (match.key, type) }
        }
        let fallback = defaultExtension[kind] ?? "bin"
        return (fallback, byExtension[fallback] ?? "application/octet-stream")
    }

    /// A `data:` URI for a local image, as providers accept frame inputs.
    static func dataURI(_ data: Data, path: String) -> String {
        let ext = (path as NSString).pathExtension.lowercased()
        let type = byExtension[ext] ?? "application/octet-stream"
        return "data:\(type);base64,\(data.base64EncodedString())"
    }
}
