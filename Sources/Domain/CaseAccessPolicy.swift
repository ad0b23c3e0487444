/// Who may see and handle which case: the one place that decides it.
///
/// Officers see only their own agency's cases; to anyone else a case of another agency
/// does not exist (404, not 403, so codes cannot be probed). Triage officers see every case
/// and handle those waiting for triage; administrators may do anything.
public enum CaseAccessPolicy {
    /// Whether `staff` may see a case held by `agencyCode` with `status`.
    public static func canView(_ staff: StaffMember, agencyCode: String?, status: CaseStatus) -> Bool {
        switch staff.role {
        case .admin, .triage: return true
        case .officer: return agencyCode != nil && agencyCode == staff.agencyCode
        case .partner: return false
        }
    }

    /// Whether `staff` may apply `action` to a case they can see.
    public static func canApply(_ action: StaffAction, _ staff: StaffMember, agencyCode: String?, status: CaseStatus) -> Bool {
        canApply(action.kind, staff, agencyCode: agencyCode, status: status)
    }

    /// Whether `staff` may take an action of `kind` on a case they can see.
    public static func canApply(_ kind: StaffActionKind, _ staff: StaffMember, agencyCode: String?, status: CaseStatus) -> Bool {
        guard canView(staff, agencyCode: agencyCode, status: status) else { return false }
        switch staff.role {
        case .admin:
            return true
        case .officer:
            return kind != .place
        case .triage:
            switch kind {
            case .place, .comment, .reject, .recategorise, .merge: return true
            case .transfer: return status != .triage
            default: return false
            }
        case .partner:
            return false
        }
    }

    /// The scope an agency listing is limited to: an officer's own agency, or nothing for triage and admins.
    public static func listingScope(_ staff: StaffMember) -> String? {
        staff.role == .officer ? staff.agencyCode : nil
    }
}
