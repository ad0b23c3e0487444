import Domain
import HTTPTypes

/// The channels and language a citizen asks to be told in (`notify`, `language`), as filing and
/// "me too" take them.
enum CitizenNotifyInput {
    /// - Throws: `invalid_notify` (422) for a channel citizens cannot ask for.
    static func channels(_ names: [String]?) throws -> [NotificationChannel] {
        var notify: [NotificationChannel] = []
        for name in names ?? [] {
            guard let channel = NotificationChannel(rawValue: name), NotificationChannel.citizenChannels.contains(channel)
            else {
                throw APIError(
                    status: .unprocessableContent, code: "invalid_notify",
                    th: "ช่องทางแจ้งความคืบหน้าต้องเป็น email หรือ sms", en: "\"notify\" may hold \"email\" and \"sms\".")
            }
            if !notify.contains(channel) { notify.append(channel) }
        }
        return notify
    }

    /// - Throws: `invalid_language` (422) for anything but th and en.
    static func language(_ name: String?) throws -> MessageLanguage {
        guard let language = MessageLanguage(rawValue: name ?? "th") else {
            throw APIError(
                status: .unprocessableContent, code: "invalid_language", th: "ภาษาต้องเป็น th หรือ en",
                en: "\"language\" must be th or en.")
        }
        return language
    }
}
