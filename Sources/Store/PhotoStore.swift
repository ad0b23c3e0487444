public import Domain
public import Foundation
public import Postgres

/// Every SQL statement about photos: attaching them to a case (images stored once by checksum),
/// reading them, hiding one from the public, and erasing a case's photos with its personal data.
public struct PhotoStore: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// One encoded image to store, by the SHA-256 of its bytes.
    public struct Image: Sendable {
        public var sha256: [UInt8]
        public var contentType: String
        public var bytes: [UInt8]
        public var width: Int
        public var height: Int

        public init(sha256: [UInt8], contentType: String, bytes: [UInt8], width: Int, height: Int) {
            self.sha256 = sha256
            self.contentType = contentType
            self.bytes = bytes
            self.width = width
            self.height = height
        }
    }

    /// A cleaned photo to attach.
    public struct NewPhoto: Sendable {
        public var token: String
        public var originalSHA256: [UInt8]
        public var originalType: String
        public var originalBytes: Int
        public var originalWidth: Int
        public var originalHeight: Int
        public var display: Image
        public var thumbnail: Image

        public init(
            token: String, originalSHA256: [UInt8], originalType: String, originalBytes: Int, originalWidth: Int,
            originalHeight: Int, display: Image, thumbnail: Image
        ) {
            self.token = token
            self.originalSHA256 = originalSHA256
            self.originalType = originalType
            self.originalBytes = originalBytes
            self.originalWidth = originalWidth
            self.originalHeight = originalHeight
            self.display = display
            self.thumbnail = thumbnail
        }
    }

    /// Attaches photos to a case in one transaction: all or none. A file the case already has (the same
    /// original, as a retried request sends it) is not attached twice.
    /// - Returns: the case's photos after the attachment, oldest first.
    public func attach(
        _ photos: [NewPhoto], caseID: Int64, uploader: PhotoUploader, staffID: Int64?, at now: Date
    ) async throws -> [CasePhoto] {
        try await pool.transaction { connection in
            try Self.insert(photos, caseID: caseID, uploader: uploader, staffID: staffID, at: now, connection: connection)
            return try Self.photos(caseIDs: [caseID], connection: connection)[caseID] ?? []
        }
    }

    /// Stores the photos of a case inside the caller's transaction (a filing's own, so the case and its
    /// photos commit together); a file already attached to the case is not attached again.
    static func insert(
        _ photos: [NewPhoto], caseID: Int64, uploader: PhotoUploader, staffID: Int64?, at now: Date, connection: Connection
    ) throws {
        for photo in photos {
            for image in [photo.display, photo.thumbnail] {
                // DO UPDATE (to the same value) rather than DO NOTHING: it locks the row, so an erasure
                // deleting this very image waits for this transaction and then sees the new photo.
                try connection.query(
                    """
                    INSERT INTO photo_blobs (sha256, content_type, bytes) VALUES ($1, $2, $3)
                    ON CONFLICT (sha256) DO UPDATE SET content_type = EXCLUDED.content_type
                    """, [PostgresBytes(image.sha256), image.contentType, PostgresBytes(image.bytes)])
            }
            try connection.query(
                """
                INSERT INTO case_photos (
                    case_id, token, uploader, staff_id, original_sha256, original_type, original_bytes,
                    original_width, original_height, content_type, display_sha256, display_width, display_height,
                    display_bytes, thumbnail_sha256, thumbnail_width, thumbnail_height, thumbnail_bytes, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
                ON CONFLICT (case_id, original_sha256) DO NOTHING
                """,
                [
                    caseID, photo.token, uploader.rawValue, staffID, PostgresBytes(photo.originalSHA256),
                    photo.originalType, photo.originalBytes, photo.originalWidth, photo.originalHeight,
                    photo.display.contentType, PostgresBytes(photo.display.sha256), photo.display.width,
                    photo.display.height, photo.display.bytes.count, PostgresBytes(photo.thumbnail.sha256),
                    photo.thumbnail.width, photo.thumbnail.height, photo.thumbnail.bytes.count, now,
                ])
        }
    }

    static let columns = """
        p.id, p.case_id, p.token, p.uploader, p.content_type, p.display_width, p.display_height, p.thumbnail_width,
        p.thumbnail_height, encode(p.original_sha256, 'hex'), p.original_bytes, p.hidden_reason, p.hidden_at, p.created_at
        """
    static let columnCount = 14

    static func photo(_ row: Row) throws -> CasePhoto {
        CasePhoto(
            id: Int64(try row.int(0)), caseID: Int64(try row.int(1)), token: try row.string(2),
            uploader: PhotoUploader(rawValue: try row.string(3)) ?? .citizen, contentType: try row.string(4),
            displayWidth: try row.int(5), displayHeight: try row.int(6), thumbnailWidth: try row.int(7),
            thumbnailHeight: try row.int(8), originalSHA256: try row.string(9), originalBytes: try row.int(10),
            hiddenReason: row.optionalString(11), hiddenAt: try row.optionalDate(12), createdAt: try row.date(13))
    }

    /// The photos of these cases, each case's oldest first.
    public func photos(caseIDs: [Int64]) async throws -> [Int64: [CasePhoto]] {
        guard !caseIDs.isEmpty else { return [:] }
        return try await pool.withConnection(idempotent: true) { connection in
            try Self.photos(caseIDs: caseIDs, connection: connection)
        }
    }

    static func photos(caseIDs: [Int64], connection: Connection) throws -> [Int64: [CasePhoto]] {
        let rows = try connection.query(
            "SELECT \(columns) FROM case_photos p WHERE p.case_id = ANY($1) ORDER BY p.case_id, p.id", [caseIDs])
        var byCase: [Int64: [CasePhoto]] = [:]
        for row in rows.rows {
            let photo = try Self.photo(row)
            byCase[photo.caseID, default: []].append(photo)
        }
        return byCase
    }

    /// What serving a photo needs: the photo, its case's code, whether that case is public now, who
    /// holds it and in what status (for staff's access), and the image of the size asked for (nil if an
    /// erasure raced the read).
    public struct Found: Sendable {
        public var photo: CasePhoto
        public var caseCode: String
        public var caseIsPublic: Bool
        public var caseAgency: String?
        public var caseStatus: CaseStatus
        public var image: (sha256: String, bytes: [UInt8])?
    }

    /// The photo named by `token`, with its case and image.
    public func image(token: String, size: PhotoSize) async throws -> Found? {
        let column = size == .display ? "p.display_sha256" : "p.thumbnail_sha256"
        return try await pool.withConnection(idempotent: true) { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT \(Self.columns), c.code, c.is_public, encode(b.sha256, 'hex'), b.bytes, c.agency_code, c.status
                    FROM case_photos p JOIN cases c ON c.id = p.case_id
                    LEFT JOIN photo_blobs b ON b.sha256 = \(column)
                    WHERE p.token = $1
                    """, [token]
                ).first
            else { return nil }
            let n = Self.columnCount
            let image = try row.optionalString(n + 2).map { (sha256: $0, bytes: try row.bytes(n + 3)) }
            return Found(
                photo: try Self.photo(row), caseCode: try row.string(n), caseIsPublic: try row.bool(n + 1),
                caseAgency: row.optionalString(n + 4), caseStatus: CaseStatus(rawValue: try row.string(n + 5)) ?? .closed,
                image: image)
        }
    }

    /// Hides a photo of the case from the public, with staff's reason; hiding again changes the reason.
    /// - Returns: the photo, or nil if the case has no photo with that id.
    public func hide(photoID: Int64, caseID: Int64, reason: String, staffID: Int64, at now: Date) async throws -> CasePhoto? {
        try await pool.withConnection { connection in
            try connection.query(
                """
                UPDATE case_photos p SET hidden_reason = $3, hidden_at = $4, hidden_by = $5
                WHERE p.id = $1 AND p.case_id = $2 RETURNING \(Self.columns)
                """, [photoID, caseID, reason, now, staffID]
            ).first.map(Self.photo)
        }
    }

    /// Deletes the photos of these cases and the images no other photo uses; returns how many photos.
    /// Called inside the erasure's own transaction (`CaseStore.eraseContact`, `purgeContacts`).
    public static func erase(caseIDs: [Int64], connection: Connection) throws -> Int {
        let deleted = try connection.query(
            """
            DELETE FROM case_photos WHERE case_id = ANY($1)
            RETURNING encode(display_sha256, 'hex'), encode(thumbnail_sha256, 'hex')
            """, [caseIDs]
        ).rows
        guard !deleted.isEmpty else { return 0 }
        let hashes = try deleted.flatMap { [try $0.string(0), try $0.string(1)] }
        try connection.query(
            """
            DELETE FROM photo_blobs b WHERE b.sha256 = ANY(SELECT decode(h, 'hex') FROM unnest($1::text[]) h)
            AND NOT EXISTS (SELECT 1 FROM case_photos p WHERE p.display_sha256 = b.sha256)
            AND NOT EXISTS (SELECT 1 FROM case_photos p WHERE p.thumbnail_sha256 = b.sha256)
            """, [hashes])
        return deleted.count
    }

    /// For statistics: the cases with the citizen's photos, and the finished cases (resolved or closed)
    /// with an officer's result photos. Read from the photos' side, so the cost follows the number of
    /// photos, not of cases (counting every case with a test for photos took seconds at ten million).
    public func counts() async throws -> (withPhotos: Int, finishedWithResultPhotos: Int) {
        try await pool.withConnection(idempotent: true) { connection in
            let row = try connection.query(
                """
                SELECT (SELECT count(DISTINCT case_id) FROM case_photos WHERE uploader = 'citizen'),
                       (SELECT count(DISTINCT p.case_id) FROM case_photos p JOIN cases c ON c.id = p.case_id
                        WHERE p.uploader = 'officer' AND c.status IN ('resolved', 'closed'))
                """
            ).first!
            return (try row.int(0), try row.int(1))
        }
    }
}
