/// How much a single upload may be (`photos` in `Config/siang.json`).
public struct PhotoLimits: Sendable, Equatable {
    /// Photos one citizen filing (or one officer's action) may carry.
    public var maxCount: Int
    /// Bytes of one file as sent, before cleaning.
    public var maxBytes: Int
    /// Width × height from the file's header; anything larger is refused before a pixel is decoded.
    public var maxPixels: Int
    /// The long side of the display size and of the thumbnail, in pixels.
    public var displaySize: Int
    public var thumbnailSize: Int

    public init(
        maxCount: Int = 4, maxBytes: Int = 12 * 1024 * 1024, maxPixels: Int = 50_000_000, displaySize: Int = 1600,
        thumbnailSize: Int = 320
    ) {
        self.maxCount = maxCount
        self.maxBytes = maxBytes
        self.maxPixels = maxPixels
        self.displaySize = displaySize
        self.thumbnailSize = thumbnailSize
    }
}
