/// The few broad groups the categories fall into, for clients that show services by group (Open311's
/// `group`). A category not named here (a new one) is in `other` until it is placed.
public enum CategoryGroup: String, Sendable, CaseIterable {
    case streets, transport, water, environment, utilities, safety, social, rights, other

    public static func of(category code: String) -> CategoryGroup {
        members.first { $0.value.contains(code) }?.key ?? .other
    }

    static let members: [CategoryGroup: Set<String>] = [
        .streets: ["road", "sidewalk", "bridge", "lighting", "cables", "obstruction", "street_vendors", "damaged_facilities"],
        .transport: ["traffic", "public_transport", "signage"],
        .water: ["drainage", "flooding", "canal"],
        .environment: ["cleanliness", "trees", "noise", "air_pollution", "stray_animals", "public_toilets"],
        .utilities: ["water_supply", "electricity"],
        .safety: ["safety", "entertainment_venues"],
        .social: ["homeless", "welfare", "health_service", "education", "labour"],
        .rights: ["corruption", "consumer", "online_fraud", "land", "debt"],
    ]

    public var nameTH: String {
        switch self {
        case .streets: return "ถนน ทางเท้า และสิ่งสาธารณะ"
        case .transport: return "การจราจรและการเดินทาง"
        case .water: return "น้ำท่วมและการระบายน้ำ"
        case .environment: return "ความสะอาดและสิ่งแวดล้อม"
        case .utilities: return "น้ำประปาและไฟฟ้า"
        case .safety: return "ความปลอดภัย"
        case .social: return "สวัสดิการและบริการสังคม"
        case .rights: return "สิทธิ การทุจริต และการคุ้มครองผู้บริโภค"
        case .other: return "อื่น ๆ"
        }
    }

    public var nameEN: String {
        switch self {
        case .streets: return "Streets and public spaces"
        case .transport: return "Traffic and transport"
        case .water: return "Flooding and drainage"
        case .environment: return "Cleanliness and environment"
        case .utilities: return "Water and electricity supply"
        case .safety: return "Safety"
        case .social: return "Welfare and social services"
        case .rights: return "Rights, corruption and consumers"
        case .other: return "Other"
        }
    }
}
