/// The image types Siang takes, by what the bytes say.
public enum PhotoType: String, Sendable, CaseIterable {
    case jpeg, png, webp, heif

    /// The libvips loader that recognises the type from the file's first bytes.
    init?(loader: String) {
        switch loader {
        case "VipsForeignLoadJpegFile": self = .jpeg
        case "VipsForeignLoadPngFile": self = .png
        case "VipsForeignLoadWebpFile": self = .webp
        case "VipsForeignLoadHeifFile": self = .heif
        default: return nil
        }
    }
}

/// One encoded image Siang serves: no metadata in it, upright, sRGB.
public struct PhotoRendition: Sendable {
    public var bytes: [UInt8]
    public var width: Int
    public var height: Int
    public var contentType: String
}

/// A photo that passed every check, and the two sizes Siang serves of it. The original is never kept.
public struct CleanPhoto: Sendable {
    /// The type the original's bytes declared.
    public var originalType: PhotoType
    /// SHA-256 of the original as uploaded, and its size: to recognise the same upload again.
    public var originalSHA256: [UInt8]
    public var originalBytes: Int
    /// The original's size as its header gave it (before turning it upright).
    public var originalWidth: Int
    public var originalHeight: Int
    public var display: PhotoRendition
    public var thumbnail: PhotoRendition
    /// Where the original says it was taken; stripped from both renditions, kept only to offer it.
    public var location: PhotoLocation? = nil
}
