/// What a staff account may do.
public enum StaffRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// เจ้าหน้าที่หน่วยงาน: handles the cases of one agency.
    case officer
    /// เจ้าหน้าที่คัดกรอง: places what routing could not (a central desk such as 1111).
    case triage
    /// ผู้ดูแลระบบ
    case admin
    /// ระบบของหน่วยงานภายนอก: another organisation's software (a city app, a chat bot, the 1111
    /// centre's system) that files on citizens' behalf through Open311, and may do nothing else.
    case partner
}

/// A signed-in staff member.
public struct StaffMember: Sendable, Hashable {
    public var id: Int64
    public var name: String
    public var role: StaffRole
    /// The officer's agency; triage officers and administrators may have none.
    public var agencyCode: String?
    /// The area (province or district code) whose proposals this person moderates besides their
    /// other work: a district office's officer for the district's proposals. Triage officers and
    /// administrators moderate everywhere without one.
    public var moderatesArea: String?
    /// Whether the account still has a password someone else chose and handed over, which its
    /// owner must replace before doing anything else.
    public var mustChangePassword: Bool
    /// Moves on when the password changes or the account is deactivated; a web session begun under
    /// an earlier generation is over.
    public var sessionGeneration: Int

    public init(
        id: Int64, name: String, role: StaffRole, agencyCode: String?, mustChangePassword: Bool = false,
        sessionGeneration: Int = 0, moderatesArea: String? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.agencyCode = agencyCode
        self.moderatesArea = moderatesArea
        self.mustChangePassword = mustChangePassword
        self.sessionGeneration = sessionGeneration
    }
}

/// Who does something to a case.
public enum Actor: Sendable, Hashable {
    /// The citizen who filed it (proved by the tracking secret).
    case citizen
    case staff(StaffMember)
    /// Siang itself (routing, closing after the appeal window).
    case system

    public var kind: ActorKind {
        switch self {
        case .citizen: return .citizen
        case .staff: return .staff
        case .system: return .system
        }
    }
}
