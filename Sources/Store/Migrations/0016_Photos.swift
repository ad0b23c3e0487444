extension SiangMigrations {
    static let photos = """
        -- The images Siang serves (display size and thumbnail, re-encoded without metadata), by the
        -- SHA-256 of their bytes: the same image attached twice is stored once. Originals are never kept
        -- (they carry GPS, device serials and owners' names). In PostgreSQL rather than on disk so that
        -- every instance sees every photo, and so that erasure is in the same transaction as the case.
        CREATE TABLE photo_blobs (
            sha256 bytea PRIMARY KEY CHECK (octet_length(sha256) = 32),
            content_type text NOT NULL,
            bytes bytea NOT NULL
        );
        -- Already compressed: storing them out of line without pglz saves the attempt to compress them.
        ALTER TABLE photo_blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;

        -- A photo attached to a case. No foreign keys to photo_blobs: erasure deletes blobs no row uses
        -- any more, and a key would turn a concurrent attach of the same image into a failed erasure.
        CREATE TABLE case_photos (
            id bigserial PRIMARY KEY,
            case_id bigint NOT NULL REFERENCES cases (id),
            token text NOT NULL UNIQUE,
            uploader text NOT NULL CHECK (uploader IN ('citizen', 'officer')),
            staff_id bigint REFERENCES staff (id),
            original_sha256 bytea NOT NULL,
            original_type text NOT NULL,
            original_bytes integer NOT NULL,
            original_width integer NOT NULL,
            original_height integer NOT NULL,
            content_type text NOT NULL,
            display_sha256 bytea NOT NULL,
            display_width integer NOT NULL,
            display_height integer NOT NULL,
            display_bytes integer NOT NULL,
            thumbnail_sha256 bytea NOT NULL,
            thumbnail_width integer NOT NULL,
            thumbnail_height integer NOT NULL,
            thumbnail_bytes integer NOT NULL,
            hidden_reason text,
            hidden_at timestamptz,
            hidden_by bigint REFERENCES staff (id),
            created_at timestamptz NOT NULL,
            -- The same file attached to the same case again (a retried upload) is one photo.
            UNIQUE (case_id, original_sha256),
            CHECK ((hidden_reason IS NULL) = (hidden_at IS NULL))
        );
        CREATE INDEX case_photos_display ON case_photos (display_sha256);
        CREATE INDEX case_photos_thumbnail ON case_photos (thumbnail_sha256);
        """
}
