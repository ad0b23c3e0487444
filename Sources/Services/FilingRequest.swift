public import Domain
import Foundation

/// A citizen's filing as received from any channel, before it is checked.
public struct FilingRequest: Sendable {
    /// Where the citizen says the problem is: codes or names, all optional.
    public struct AreaInput: Sendable, Equatable {
        public var province: String?
        public var district: String?
        public var subdistrict: String?

        public init(province: String? = nil, district: String? = nil, subdistrict: String? = nil) {
            self.province = province
            self.district = district
            self.subdistrict = subdistrict
        }

        var isEmpty: Bool { [province, district, subdistrict].allSatisfy { ($0 ?? "").isEmpty } }
    }

    public struct ContactInput: Sendable, Equatable {
        public var name: String?
        public var phone: String?
        public var email: String?

        public init(name: String? = nil, phone: String? = nil, email: String? = nil) {
            self.name = name
            self.phone = phone
            self.email = email
        }

        public var isEmpty: Bool { [name, phone, email].allSatisfy { ($0 ?? "").trimmingCharacters(in: .whitespaces).isEmpty } }
    }

    public struct ConsentInput: Sendable, Equatable {
        public var version: String
        public var accepted: Bool

        public init(version: String, accepted: Bool) {
            self.version = version
            self.accepted = accepted
        }
    }

    public var kind: CaseKind
    public var text: String
    public var title: String?
    /// The category the citizen chose, if any (the form may suggest one).
    public var category: String?
    public var area: AreaInput
    public var latitude: Double?
    public var longitude: Double?
    public var address: String?
    public var contact: ContactInput?
    /// Anonymous towards the public: the citizen's name is never shown with the case.
    public var anonymous: Bool
    /// The citizen may keep a case off the public pages altogether.
    public var isPublic: Bool
    public var consent: ConsentInput?
    public var channel: String
    /// How the citizen wants to hear of progress: `email` and `sms` to the contact details given
    /// (under the same consent), `line` to the LINE user who filed by chat.
    public var notify: [NotificationChannel]
    /// The language the citizen filed in; their messages are written in it.
    public var language: MessageLanguage
    /// The LINE user who filed by chat (personal data, kept like contact details).
    public var lineUserID: String?

    public init(
        kind: CaseKind = .complaint, text: String, title: String? = nil, category: String? = nil,
        area: AreaInput = .init(), latitude: Double? = nil, longitude: Double? = nil, address: String? = nil,
        contact: ContactInput? = nil, anonymous: Bool = false, isPublic: Bool = true, consent: ConsentInput? = nil,
        channel: String = "api", notify: [NotificationChannel] = [], language: MessageLanguage = .th,
        lineUserID: String? = nil
    ) {
        self.notify = notify
        self.language = language
        self.lineUserID = lineUserID
        self.kind = kind
        self.text = text
        self.title = title
        self.category = category
        self.area = area
        self.latitude = latitude
        self.longitude = longitude
        self.address = address
        self.contact = contact
        self.anonymous = anonymous
        self.isPublic = isPublic
        self.consent = consent
        self.channel = channel
    }
}
