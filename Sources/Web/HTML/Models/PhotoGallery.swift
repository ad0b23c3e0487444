import Domain
import Pages

/// `photos.mustache`, on the citizen's and the agency's case pages: the citizen's photos ("before")
/// beside the officers' results ("after"), as thumbnails linking to the display size.
struct PhotoGallery: Sendable {
    /// Before, then after; a group without photos is left out.
    var groups: [Group]

    struct Group: Sendable {
        /// `photos-before` or `photos-after`.
        var id: String
        var caption: String
        var photos: [Photo]
    }

    struct Photo: Sendable {
        var id: Int64
        var thumbnail: String
        var display: String
        var width: Int
        var height: Int
        var alt: String
        /// Staff's reason for hiding it from the public; shown to staff and the citizen only.
        var hiddenReason: String?
        /// The case's code, for staff's hide form; nil where no form is offered.
        var hideCode: String?
    }

    /// The gallery of `photos`, served from under `base` (`""` for the public `/photos/…` paths,
    /// `/cases/CODE` or `/agency/cases/CODE` where the browser's cookie is what proves access);
    /// nil when there is nothing to show.
    static func make(
        _ photos: [CasePhoto], base: String, view: PageKit.View, hideCode: String? = nil
    ) -> PhotoGallery? {
        guard !photos.isEmpty else { return nil }
        func photo(_ photo: CasePhoto, _ index: Int) -> Photo {
            Photo(
                id: photo.id, thumbnail: base + photo.path(.thumbnail), display: base + photo.path(.display),
                width: photo.thumbnailWidth, height: photo.thumbnailHeight,
                alt: view.text(photo.uploader == .citizen ? "photos_alt_before" : "photos_alt_after", ["n": String(index + 1)]),
                hiddenReason: photo.hiddenReason, hideCode: photo.isHidden ? nil : hideCode)
        }
        let groups = [(PhotoUploader.citizen, "before"), (.officer, "after")].compactMap { uploader, name -> Group? in
            let mine = photos.filter { $0.uploader == uploader }
            guard !mine.isEmpty else { return nil }
            return Group(
                id: "photos-\(name)", caption: view.text("photos_\(name)"),
                photos: mine.enumerated().map { photo($1, $0) })
        }
        return PhotoGallery(groups: groups)
    }
}
