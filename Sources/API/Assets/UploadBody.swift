import Foundation
import HTTPTypes
import Storage
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// The bytes of an uploaded file: the raw request body, or the `file` part of a `multipart/form-data` body.
struct UploadBody: Sendable {
    private enum Source: Sendable {
        case raw(RequestBody)
        case multipart(MultipartFileStream<RequestBody>)
    }

    private let source: Source
    /// The media type the client declared (the part's `Content-Type` for multipart).
    var mediaType: String? { details.withLockedValue { $0.mediaType } }
    /// The file name the client gave (`filename=` of the part, or `Content-Disposition` of a raw body);
    /// known once ``chunks`` has been read.
    var fileName: String? { details.withLockedValue { $0.fileName } }

    private let details: NIOLockedValueBox<Details>

    struct Details: Sendable {
        var mediaType: String?
        var fileName: String?
    }

    static func open(_ request: Request, context: AppRequestContext) async throws -> UploadBody {
        let contentType = request.headers[.contentType]
        if let contentType, contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = MultipartHeaders.boundary(in: contentType) else {
                throw APIError.validation("Content-Type", "multipart/form-data needs a boundary parameter")
            }
            let details = NIOLockedValueBox(Details())
            let stream = MultipartFileStream(body: request.body, boundary: boundary) { name, type in
                details.withLockedValue { $0 = Details(mediaType: type, fileName: name) }
            }
            return UploadBody(source: .multipart(stream), details: details)
        }
        let fileName = request.headers[.contentDisposition].flatMap { MultipartHeaders.parameter("filename", in: $0) }
        let type = contentType.flatMap { $0 == "application/octet-stream" ? nil : $0 }
        return UploadBody(source: .raw(request.body), details: NIOLockedValueBox(Details(mediaType: type, fileName: fileName)))
    }

    /// Streams the file into a temporary blob (see ``BlobStore/stage(_:limit:)``).
    func stage(into blobs: BlobStore, limit: Int) async throws -> StagedBlob {
        switch source {
        case .raw(let body): try await blobs.stage(body, limit: limit)
        case .multipart(let stream): try await blobs.stage(stream, limit: limit)
        }
    }
}

/// The bytes of the first file part (`filename=` given, or field name `file`) of a multipart body,
/// streamed without holding the whole body. Other parts are skipped.
struct MultipartFileStream<Body: AsyncSequence & Sendable>: AsyncSequence, Sendable where Body.Element == ByteBuffer {
    typealias Element = ByteBuffer
    let body: Body
    let boundary: String
    let onFilePart: @Sendable (_ fileName: String?, _ mediaType: String?) -> Void

    func makeAsyncIterator() -> Iterator {
        Iterator(body: body.makeAsyncIterator(), boundary: Array(boundary.utf8), onFilePart: onFilePart)
    }
}

/// Header parameters of multipart bodies.
enum MultipartHeaders {
    /// Longest part header block accepted.
    static var maximumHeaderSize: Int { 16 * 1024 }

    /// The `boundary` parameter of a `multipart/form-data` content type (1–70 characters, RFC 2046).
    static func boundary(in contentType: String) -> String? {
        guard let value = parameter("boundary", in: contentType), !value.isEmpty, value.count <= 70 else { return nil }
        return value
    }

    /// A `key=value` or `key="value"` parameter of a header value.
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}

extension MultipartFileStream {
    struct Iterator: AsyncIteratorProtocol {
        enum State { case preamble, headers, skipping, file, done }
        var body: Body.AsyncIterator
        let opening: [UInt8]
        let delimiter: [UInt8]
        let onFilePart: @Sendable (String?, String?) -> Void
        var pending: [UInt8] = []
        var state = State.preamble
        var foundFile = false

        init(body: Body.AsyncIterator, boundary: [UInt8], onFilePart: @escaping @Sendable (String?, String?) -> Void) {
            self.body = body
            self.opening = Array("--".utf8) + boundary
            self.delimiter = Array("\r\n--".utf8) + boundary
            self.onFilePart = onFilePart
        }

        mutating func next() async throws -> ByteBuffer? {
            while true {
                switch state {
                case .done:
                    return nil
                case .preamble:
                    if let range = pending.firstRange(of: opening) {
                        pending.removeSubrange(..<range.upperBound)
                        state = .headers
                        continue
                    }
                case .headers:
                    // After a boundary: "--" ends the body; otherwise CRLF, headers, CRLF CRLF.
                    if pending.count >= 2, pending[0] == UInt8(ascii: "-"), pending[1] == UInt8(ascii: "-") {
                        state = .done
                        guard foundFile else { throw APIError.validation("file", "the multipart body has no file part (send the file in a field named `file`)") }
                        return nil
                    }
                    if let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) {
                        let block = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                        pending.removeSubrange(..<end.upperBound)
                        let part = Self.partHeaders(block)
                        if !foundFile, part.disposition.map({ MultipartHeaders.parameter("filename", in: $0) != nil || MultipartHeaders.parameter("name", in: $0) == "file" }) == true {
                            foundFile = true
                            onFilePart(part.disposition.flatMap { MultipartHeaders.parameter("filename", in: $0) }, part.contentType)
                            state = .file
                        } else {
                            state = .skipping
                        }
                        continue
                    }
                    guard pending.count <= MultipartHeaders.maximumHeaderSize else {
                        throw APIError.validation("body", "a multipart part's headers are too long")
                    }
                case .file, .skipping:
                    if let range = pending.firstRange(of: delimiter) {
                        let bytes = Array(pending[..<range.lowerBound])
                        pending.removeSubrange(..<range.upperBound)
                        let wasFile = state == .file
                        state = .headers
                        if wasFile, !bytes.isEmpty { return ByteBuffer(bytes: bytes) }
                        continue
                    }
                    // Keep enough bytes to recognise a delimiter split across chunks.
                    let keep = delimiter.count - 1
                    if pending.count > keep {
                        let bytes = Array(pending[..<(pending.count - keep)])
                        pending.removeFirst(pending.count - keep)
                        if state == .file { return ByteBuffer(bytes: bytes) }
                    }
                }
                guard let chunk = try await body.next() else {
                    state = .done
                    throw APIError.validation("body", "the multipart body ended before its closing boundary")
                }
                pending.append(contentsOf: chunk.readableBytesView)
            }
        }

        static func partHeaders(_ block: String) -> (disposition: String?, contentType: String?) {
            var disposition: String?
            var contentType: String?
            for line in block.split(separator: "\r\n") {
                let pair = line.split(separator: ":", maxSplits: 1)
                guard pair.count == 2 else { continue }
                let value = pair[1].trimmingCharacters(in: .whitespaces)
                switch pair[0].trimmingCharacters(in: .whitespaces).lowercased() {
                case "content-disposition": disposition = value
                case "content-type": contentType = value
                default: break
                }
            }
            return (disposition, contentType)
        }
    }
}
