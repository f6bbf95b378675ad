import Foundation
import PostgresNIO

/// The metadata of media assets; their bytes live in the ``BlobStore`` under `blobKey`.
///
/// The project document holds the asset too (its `assets` map); this table is what lets the server find
/// an asset's blob and its project without loading a document, and what keeps the media type and size.
public struct AssetRepository: Sendable {
    let database: Database

    /// One stored asset.
    public struct Asset: Sendable {
        public let id: UUID
        public let projectID: UUID
        /// `video`, `audio`, `image` or `text`.
        public let kind: String
        public let name: String
        /// `pending`, `ready` or `failed`.
        public let status: String
        /// The content address (`sha256:…`) of its media.
        public let blobKey: String?
        public let mediaType: String?
        public let byteSize: Int64?
        /// Free JSON (probe results, poster frame, …) as text.
        public let metadataJSON: String
        /// The job that made it, for generated assets.
        public let originJobID: UUID?
        public let createdBy: UUID?
        public let createdAt: Date
    }

    /// What ``create(_:)`` stores.
    public struct NewAsset: Sendable {
        public var id: UUID
        public var projectID: UUID
        public var kind: String
        public var name: String
        public var status: String
        public var blobKey: String?
        public var mediaType: String?
        public var byteSize: Int64?
        public var metadataJSON: String
        public var originJobID: UUID?
        public var createdBy: UUID?

        public init(
            id: UUID = UUID(),
            projectID: UUID,
            kind: String,
            name: String,
            status: String = "ready",
            blobKey: String?,
            mediaType: String?,
            byteSize: Int64?,
            metadataJSON: String = "{}",
            originJobID: UUID? = nil,
            createdBy: UUID?
        ) {
            self.id = id
            self.projectID = projectID
            self.kind = kind
            self.name = name
            self.status = status
            self.blobKey = blobKey
            self.mediaType = mediaType
            self.byteSize = byteSize
            self.metadataJSON = metadataJSON
            self.originJobID = originJobID
            self.createdBy = createdBy
        }
    }

    private static let columns =
        "id, project_id, kind, name, status, blob_key, media_type, byte_size, metadata::text, origin_job_id, created_by, created_at"

    /// Stores an asset's metadata; storing the same id again (a job landing twice) keeps the first row.
    @discardableResult
    public func create(_ asset: NewAsset) async throws -> Asset {
        let rows = try await database.client.query(
            """
            WITH inserted AS (
                INSERT INTO assets (id, project_id, kind, name, status, blob_key, media_type, byte_size, metadata, origin_job_id, created_by)
                VALUES (\(asset.id), \(asset.projectID), \(asset.kind), \(asset.name), \(asset.status), \(asset.blobKey),
                        \(asset.mediaType), \(asset.byteSize), \(asset.metadataJSON)::jsonb, \(asset.originJobID), \(asset.createdBy))
                ON CONFLICT (id) DO NOTHING
                RETURNING \(unescaped: Self.columns)
            )
            SELECT * FROM inserted
            UNION ALL
            SELECT \(unescaped: Self.columns) FROM assets WHERE id = \(asset.id) AND NOT EXISTS (SELECT 1 FROM inserted)
            """,
            logger: database.logger
        )
        guard let stored = try await Self.assets(rows).first else { throw StorageError(.notFound, "insert returned no row") }
        return stored
    }

    /// One asset by id, whatever its project (callers check membership of ``Asset/projectID``).
    public func find(id: UUID) async throws -> Asset? {
        let rows = try await database.client.query("SELECT \(unescaped: Self.columns) FROM assets WHERE id = \(id)", logger: database.logger)
        return try await Self.assets(rows).first
    }

    /// The assets of a project, newest first.
    public func list(projectID: UUID, limit: Int, offset: Int) async throws -> Page<Asset> {
        let rows = try await database.client.query(
            """
            SELECT \(unescaped: Self.columns), count(*) OVER () FROM assets WHERE project_id = \(projectID)
            ORDER BY created_at DESC, id LIMIT \(limit) OFFSET \(offset)
            """,
            logger: database.logger
        )
        var total = 0
        var items: [Asset] = []
        for row in try await rows.decode((UUID, UUID, String, String, String, String?, String?, Int64?, String, UUID?, UUID?, Date, Int).self).all() {
            total = row.12
            items.append(Asset(row: (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11)))
        }
        return Page(items: items, total: total)
    }

    private static func assets(_ rows: PostgresRowSequence) async throws -> [Asset] {
        try await rows.decode((UUID, UUID, String, String, String, String?, String?, Int64?, String, UUID?, UUID?, Date).self).all().map(Asset.init(row:))
    }
}

extension AssetRepository.Asset {
    init(row: (UUID, UUID, String, String, String, String?, String?, Int64?, String, UUID?, UUID?, Date)) {
        self.init(
            id: row.0, projectID: row.1, kind: row.2, name: row.3, status: row.4, blobKey: row.5, mediaType: row.6,
            byteSize: row.7, metadataJSON: row.8, originJobID: row.9, createdBy: row.10, createdAt: row.11
        )
    }
}
