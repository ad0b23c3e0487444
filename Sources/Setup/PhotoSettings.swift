import Configuration
import Photos

extension PhotoLimits {
    /// The limits of `photos.*` in `Config/siang.json` (and `SIANG_PHOTOS_*`).
    static func read(_ config: ConfigReader) -> PhotoLimits {
        let defaults = PhotoLimits()
        return PhotoLimits(
            maxCount: max(0, config.int(forKey: "photos.max_count", default: defaults.maxCount)),
            maxBytes: max(1, config.int(forKey: "photos.max_bytes", default: defaults.maxBytes)),
            maxPixels: max(1, config.int(forKey: "photos.max_pixels", default: defaults.maxPixels)),
            displaySize: max(16, config.int(forKey: "photos.display_size", default: defaults.displaySize)),
            thumbnailSize: max(16, config.int(forKey: "photos.thumbnail_size", default: defaults.thumbnailSize)))
    }
}
