import Domain
import Foundation

/// The checks a filing must pass; each failure names the field and says what is wrong, in Thai and English.
enum FilingValidation {
    /// Longest address, in characters.
    static let maximumAddressLength = 500

    static func check(_ request: FilingRequest, text: String, rules: ServiceRules, reference: Reference) throws(DomainError) {
        guard !text.isEmpty else {
            throw .invalid("missing_text", th: "กรุณาเล่ารายละเอียดของเรื่อง", en: "\"text\" is required.")
        }
        guard text.count <= rules.maximumTextLength else {
            throw .invalid(
                "text_too_long", th: "รายละเอียดยาวเกิน \(rules.maximumTextLength) ตัวอักษร",
                en: "\"text\" is longer than \(rules.maximumTextLength) characters.")
        }
        // PostgreSQL text cannot hold NUL; one in a batched filing once failed the whole batch with a 500.
        let fields = [
            ("text", text), ("title", request.title), ("address", request.address), ("channel", request.channel),
            ("category", request.category), ("contact.name", request.contact?.name),
            ("contact.phone", request.contact?.phone), ("contact.email", request.contact?.email),
            ("consent.version", request.consent?.version),
        ]
        for (field, value) in fields where value?.unicodeScalars.contains("\0") == true {
            throw .invalid(
                "invalid_\(field.replacingOccurrences(of: ".", with: "_"))", th: "ข้อความในช่อง \(field) มีอักขระที่ใช้ไม่ได้",
                en: "\"\(field)\" contains a NUL character.")
        }
        if let title = request.title, title.count > rules.maximumTitleLength {
            throw .invalid(
                "title_too_long", th: "หัวเรื่องยาวเกิน \(rules.maximumTitleLength) ตัวอักษร",
                en: "\"title\" is longer than \(rules.maximumTitleLength) characters.")
        }
        if let address = request.address, address.count > maximumAddressLength {
            throw .invalid(
                "address_too_long", th: "ที่อยู่ยาวเกิน \(maximumAddressLength) ตัวอักษร",
                en: "\"address\" is longer than \(maximumAddressLength) characters.")
        }
        try checkCategory(request.category, reference: reference)
        guard request.channel.count <= 32, !request.channel.isEmpty,
            request.channel.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else {
            throw .invalid(
                "invalid_channel", th: "ช่องทางต้องเป็นอักษรภาษาอังกฤษตัวเล็ก เช่น web, line, phone",
                en: "\"channel\" must be a short lower-case word such as web, line or phone.")
        }
        switch (request.latitude, request.longitude) {
        case (nil, nil): break
        case (let latitude?, let longitude?):
            guard (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                throw .invalid("invalid_location", th: "พิกัดไม่ถูกต้อง", en: "\"lat\"/\"lon\" are out of range.")
            }
        default:
            throw .invalid("invalid_location", th: "ต้องระบุทั้งละติจูดและลองจิจูด", en: "Give both \"lat\" and \"lon\".")
        }
        if let contact = request.contact, !contact.isEmpty {
            try checkContact(contact)
            guard let consent = request.consent, consent.accepted else {
                throw .invalid(
                    "consent_required",
                    th: "เมื่อให้ข้อมูลติดต่อ ต้องยินยอมให้หน่วยงานใช้ข้อมูลเพื่อติดต่อกลับ (PDPA)",
                    en: "Contact details need the citizen's consent (consent.accepted = true) under the PDPA.")
            }
            guard consent.version == rules.consentVersion else {
                throw .invalid(
                    "consent_version",
                    th: "ฉบับของความยินยอมไม่ตรงกับฉบับปัจจุบัน (\(rules.consentVersion))",
                    en: "The consent version is not the current one (\(rules.consentVersion)).")
            }
        }
        try checkNotify(request)
    }

    /// A category given (empty counts as none) must be one of the taxonomy's.
    static func checkCategory(_ category: String?, reference: Reference) throws(DomainError) {
        if let category, !category.isEmpty, reference.categories[category] == nil {
            throw .invalid("unknown_category", th: "ไม่พบหมวดหมู่ \(category)", en: "No category \"\(category)\".")
        }
    }

    /// Each channel asked for needs its address: an e-mail or a phone number among the contact
    /// details (given under the consent), or the LINE user who files by chat.
    static func checkNotify(_ request: FilingRequest) throws(DomainError) {
        for channel in request.notify {
            let address: String? =
                switch channel {
                case .email: request.contact?.email?.nonBlank
                case .sms: request.contact?.phone?.nonBlank
                case .line: request.lineUserID?.nonBlank
                case .webhook: nil
                }
            guard address != nil, channel != .webhook else {
                let (th, en): (String, String) =
                    switch channel {
                    case .email: ("ต้องให้อีเมลในข้อมูลติดต่อเพื่อรับแจ้งทางอีเมล", "Notification by e-mail needs \"contact.email\".")
                    case .sms: ("ต้องให้หมายเลขโทรศัพท์ในข้อมูลติดต่อเพื่อรับแจ้งทาง SMS", "Notification by SMS needs \"contact.phone\".")
                    case .line: ("รับแจ้งทาง LINE ได้เมื่อแจ้งเรื่องผ่าน LINE", "Notification by LINE is for cases filed through LINE.")
                    case .webhook: ("ช่องทางนี้ใช้สำหรับหน่วยงานเท่านั้น", "\"webhook\" is for agencies, not citizens.")
                    }
                throw .invalid("invalid_notify", th: th, en: en)
            }
        }
    }

    static func checkContact(_ contact: FilingRequest.ContactInput) throws(DomainError) {
        if let name = contact.name, name.count > 200 {
            throw .invalid("invalid_contact_name", th: "ชื่อยาวเกินไป", en: "\"contact.name\" is too long.")
        }
        if let phone = contact.phone?.trimmingCharacters(in: .whitespaces), !phone.isEmpty {
            let digits = phone.unicodeScalars.filter { ("0"..."9").contains($0) }.count
            let allowed = phone.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || " +-().".unicodeScalars.contains($0) }
            guard allowed, (9...15).contains(digits) else {
                throw .invalid(
                    "invalid_contact_phone", th: "หมายเลขโทรศัพท์ไม่ถูกต้อง",
                    en: "\"contact.phone\" must be a phone number of 9 to 15 digits.")
            }
        }
        if let email = contact.email?.trimmingCharacters(in: .whitespaces), !email.isEmpty {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !email.contains(where: \.isWhitespace)
            else {
                throw .invalid(
                    "invalid_contact_email", th: "อีเมลไม่ถูกต้อง", en: "\"contact.email\" is not an e-mail address.")
            }
        }
    }
}
