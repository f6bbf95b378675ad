@testable import API
import Foundation
import NIOCore
import Testing

@Suite("Upload parsing")
struct UploadParsingTests {
    /// A multipart body cut into chunks of `size` bytes, so boundaries fall across chunks.
    private func chunks(_ body: [UInt8], size: Int) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for start in stride(from: 0, to: body.count, by: size) { continuation.yield(ByteBuffer(bytes: body[start..<min(start + size, body.count)])) }
            continuation.finish()
        }
    }

    private func multipart(boundary: String, file: [UInt8]) -> [UInt8] {
        var body = Array("preamble\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.mp4\"\r\nContent-Type: video/mp4\r\n\r\n".utf8)
        body += file
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }

    @Test("the file part of a multipart body comes out byte for byte, whatever the chunking", arguments: [1, 7, 64, 100_000])
    func multipartFile(chunkSize: Int) async throws {
        let boundary = "XyZ-boundary"
        // File bytes that contain CR LF and dashes, and almost a delimiter.
        let file = Array("line1\r\n--XyZ-boundar\r\n\r\n--".utf8) + (0..<3000).map { UInt8(truncatingIfNeeded: $0) }
        final class Seen: @unchecked Sendable { var name: String?; var type: String? }
        let seen = Seen()
        let stream = MultipartFileStream(body: chunks(multipart(boundary: boundary, file: file), size: chunkSize), boundary: boundary) { name, type in
            seen.name = name
            seen.type = type
        }
        var received: [UInt8] = []
        for try await chunk in stream { received += Array(chunk.readableBytesView) }
        #expect(received == file)
        #expect(seen.name == "clip.mp4")
        #expect(seen.type == "video/mp4")
    }

    @Test("a multipart body without a file part, or cut short, is refused")
    func multipartErrors() async throws {
        let noFile = Array("--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b--\r\n".utf8)
        await #expect(throws: APIError.self) {
            for try await _ in MultipartFileStream(body: chunks(noFile, size: 5), boundary: "b", onFilePart: { _, _ in }) {}
        }
        let truncated = Array("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc".utf8)
        await #expect(throws: APIError.self) {
            for try await _ in MultipartFileStream(body: chunks(truncated, size: 5), boundary: "b", onFilePart: { _, _ in }) {}
        }
        #expect(MultipartHeaders.boundary(in: "multipart/form-data; boundary=\"abc def\"") == "abc def")
        #expect(MultipartHeaders.boundary(in: "multipart/form-data") == nil)
    }

    @Test("byte ranges: first-last, open-ended, suffix; unsatisfiable ones refused")
    func ranges() {
        #expect(BlobResponse.byteRange("bytes=0-99", size: 1000) == 0...99)
        #expect(BlobResponse.byteRange("bytes=900-", size: 1000) == 900...999)
        #expect(BlobResponse.byteRange("bytes=-100", size: 1000) == 900...999)
        #expect(BlobResponse.byteRange("bytes=990-2000", size: 1000) == 990...999)
        #expect(BlobResponse.byteRange("bytes=1000-", size: 1000) == nil)
        #expect(BlobResponse.byteRange("bytes=5-1", size: 1000) == nil)
        #expect(BlobResponse.byteRange("bytes=0-1,5-6", size: 1000) == nil)
        #expect(BlobResponse.byteRange("items=0-1", size: 1000) == nil)
    }
}
