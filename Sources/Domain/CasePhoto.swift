public import Foundation

/// Who attached a photo: the citizen's show the problem ("before"), an officer's the result ("after").
public enum PhotoUploader: String, Sendable, CaseIterable {
    case citizen, officer
}

/// The two sizes Siang serves of each photo.
public enum PhotoSize: String, Sendable, CaseIterable {
    case display, thumbnail
}

/// A photo attached to a case, as its metadata row holds it (the images are apart, by checksum).
public struct CasePhoto: Sendable, Equatable {
    public var id: Int64
    public var caseID: Int64
    /// The unguessable name of the photo in its URLs (128 random bits).
    public var token: String
    public var uploader: PhotoUploader
    public var contentType: String
    public var displayWidth: Int
    public var displayHeight: Int
    public var thumbnailWidth: Int
    public var thumbnailHeight: Int
    /// SHA-256 (hex) of the original as uploaded; the original itself is never kept.
    public var originalSHA256: String
    public var originalBytes: Int
    /// Why staff hid it from the public (faces, number plates); nil while it is shown.
    public var hiddenReason: String?
    public var hiddenAt: Date?
    public var createdAt: Date

    public init(
        id: Int64, caseID: Int64, token: String, uploader: PhotoUploader, contentType: String, displayWidth: Int,
        displayHeight: Int, thumbnailWidth: Int, thumbnailHeight: Int, originalSHA256: String, originalBytes: Int,
        hiddenReason: String?, hiddenAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.caseID = caseID
        self.token = token
        self.uploader = uploader
        self.contentType = contentType
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.thumbnailWidth = thumbnailWidth
        self.thumbnailHeight = thumbnailHeight
        self.originalSHA256 = originalSHA256
        self.originalBytes = originalBytes
        self.hiddenReason = hiddenReason
        self.hiddenAt = hiddenAt
        self.createdAt = createdAt
    }

    public var isHidden: Bool { hiddenReason != nil }

    /// Whether the public (no secret, no staff token) may see it: the case is public and staff have not hidden it.
    public func isPublic(caseIsPublic: Bool) -> Bool { caseIsPublic && !isHidden }

    /// The path it is served from; the token makes it unguessable.
    public func path(_ size: PhotoSize) -> String {
        "/photos/\(token)/\(size.rawValue)" + (contentType == "image/webp" ? ".webp" : ".jpg")
    }
}

/// Who is looking at a case's photos. Hiding is from the public only: the citizen who filed (with the
/// secret) and staff still see hidden photos, marked as such.
public enum PhotoAudience: Sendable {
    case anyone, citizen, staff

    public func sees(_ photo: CasePhoto, caseIsPublic: Bool) -> Bool {
        switch self {
        case .anyone: photo.isPublic(caseIsPublic: caseIsPublic)
        case .citizen, .staff: true
        }
    }
}
