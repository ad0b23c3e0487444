/// Why an upload is not a photo Siang will keep, with a stable code and a message in Thai and English.
public struct PhotoRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case empty = "photo_empty"
        case tooLarge = "photo_too_large"
        case notAnImage = "photo_not_an_image"
        case unsupportedType = "photo_type_not_allowed"
        case tooManyPixels = "photo_too_many_pixels"
        case damaged = "photo_damaged"
        case markup = "photo_contains_markup"
        case tooMany = "too_many_photos"
    }

    public var reason: Reason
    public var messageTH: String
    public var messageEN: String
    public var code: String { reason.rawValue }
    public var description: String { "\(code): \(messageEN)" }

    init(_ reason: Reason, th: String, en: String) {
        self.reason = reason
        self.messageTH = th
        self.messageEN = en
    }

    static let empty = PhotoRejection(.empty, th: "ไฟล์รูปว่างเปล่า", en: "The photo file is empty.")
    static func tooLarge(limit: Int) -> PhotoRejection {
        PhotoRejection(
            .tooLarge, th: "ไฟล์รูปใหญ่เกิน \(limit / 1_048_576) MB", en: "A photo may be at most \(limit / 1_048_576) MB.")
    }
    static let notAnImage = PhotoRejection(
        .notAnImage, th: "ไฟล์นี้ไม่ใช่รูปภาพ", en: "This file is not an image.")
    static let unsupportedType = PhotoRejection(
        .unsupportedType, th: "รับเฉพาะรูป JPEG, PNG, WebP และ HEIC",
        en: "Only JPEG, PNG, WebP and HEIC photos are accepted.")
    static func tooManyPixels(width: Int, height: Int, limit: Int) -> PhotoRejection {
        PhotoRejection(
            .tooManyPixels, th: "รูปมีขนาด \(width) × \(height) พิกเซล เกินที่รับได้ (\(limit / 1_000_000) ล้านพิกเซล)",
            en: "The photo is \(width) × \(height) pixels, more than the \(limit / 1_000_000) megapixels accepted.")
    }
    static let damaged = PhotoRejection(
        .damaged, th: "ไฟล์รูปเสียหายหรือไม่ครบ", en: "The photo file is damaged or incomplete.")
    static let markup = PhotoRejection(
        .markup, th: "ไฟล์รูปมีโค้ดหน้าเว็บแฝงอยู่", en: "The photo file has web page code hidden in it.")
    public static func tooMany(limit: Int) -> PhotoRejection {
        PhotoRejection(.tooMany, th: "แนบรูปได้ไม่เกิน \(limit) รูป", en: "At most \(limit) photos may be attached.")
    }
}
