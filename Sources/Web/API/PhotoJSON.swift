import Domain
import Foundation
import Statistics

/// A photo of a case in the API: where its two sizes are served, and whose it is.
struct PhotoJSON: Encodable {
    var id: Int64
    /// `before` (the citizen's) or `after` (an officer's result).
    var kind: String
    var uploader: String
    var thumbnail_url: String
    var display_url: String
    var content_type: String
    var thumbnail_width: Int
    var thumbnail_height: Int
    var width: Int
    var height: Int
    var added_at: String
    /// For staff and the citizen: hidden from the public, and staff's reason.
    var hidden: Bool?
    var hidden_reason: String?

    init(_ photo: CasePhoto, audience: PhotoAudience) {
        id = photo.id
        kind = photo.uploader == .citizen ? "before" : "after"
        uploader = photo.uploader.rawValue
        thumbnail_url = photo.path(.thumbnail)
        display_url = photo.path(.display)
        content_type = photo.contentType
        thumbnail_width = photo.thumbnailWidth
        thumbnail_height = photo.thumbnailHeight
        width = photo.displayWidth
        height = photo.displayHeight
        added_at = BangkokTime.format(photo.createdAt)
        if audience != .anyone {
            hidden = photo.isHidden
            hidden_reason = photo.hiddenReason
        }
    }

    static func list(_ photos: [CasePhoto], audience: PhotoAudience) -> [PhotoJSON] {
        photos.map { PhotoJSON($0, audience: audience) }
    }
}
