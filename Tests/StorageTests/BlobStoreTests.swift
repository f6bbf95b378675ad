import Crypto
import Foundation
import NIOCore
import Storage
import Testing

@Suite("Blob store")
struct BlobStoreTests {
    private func withStore(_ body: (BlobStore) async throws -> Void) async throws {
        let root = NSTemporaryDirectory() + "editbay-blobs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await body(try BlobStore(root: root))
    }

    private func chunks(_ bytes: [UInt8], size: Int) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for start in stride(from: 0, to: bytes.count, by: size) {
                continuation.yield(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
            }
            continuation.finish()
        }
    }

    @Test("a streamed blob is kept under the SHA-256 of its bytes, once")
    func contentAddressed() async throws {
        try await withStore { store in
            let bytes = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let staged = try await store.stage(chunks(bytes, size: 4096), limit: 1 << 20)
            let expected = SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
            #expect(staged.key.description == "sha256:" + expected)
            #expect(staged.size == bytes.count)
            let stored = try await store.commit(staged)
            #expect(FileManager.default.contents(atPath: stored.path) == Data(bytes))
            #expect(!FileManager.default.fileExists(atPath: staged.temporaryPath))

            // The same content again: one file, the second staged copy removed.
            let again = try await store.commit(try await store.stage(chunks(bytes, size: 999), limit: 1 << 20))
            #expect(again.path == stored.path)
            let temporaryFiles = try FileManager.default.contentsOfDirectory(atPath: store.root + "/tmp")
            #expect(temporaryFiles.isEmpty)
        }
    }

    @Test("more bytes than the limit: refused and the partial file removed")
    func limit() async throws {
        try await withStore { store in
            await #expect(throws: BlobError.self) {
                _ = try await store.stage(chunks([UInt8](repeating: 1, count: 10_000), size: 1000), limit: 5_000)
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.root + "/tmp")
            #expect(leftovers.isEmpty)
        }
    }

    @Test("a staged file that is discarded leaves nothing; keys only parse as sha256:<64 hex>")
    func discardAndKeys() async throws {
        try await withStore { store in
            let source = store.root + "/source.bin"
            FileManager.default.createFile(atPath: source, contents: Data("hello".utf8))
            let staged = try await store.stage(fileAt: source)
            #expect(staged.key.hex == SHA256.hash(data: Data("hello".utf8)).map { String(format: "%02x", $0) }.joined())
            await store.discard(staged)
            #expect(!FileManager.default.fileExists(atPath: staged.temporaryPath))
            #expect(BlobKey(staged.key.description) == staged.key)
            #expect(BlobKey("sha256:../../etc/passwd") == nil)
            #expect(BlobKey("sha256:" + String(repeating: "A", count: 64)) == nil)
            #expect(BlobKey("md5:" + String(repeating: "a", count: 64)) == nil)
        }
    }
}
