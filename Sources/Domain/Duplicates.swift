public import Foundation

/// The rules of duplicate cases: which cases "already reported?" offers, who may follow one ("me too"),
/// and how the result of a main case reaches the cases merged into it.
public enum Duplicates {
    /// Whether the public may find `status`/`isPublic` case at filing and follow it: public, and an
    /// agency still owes work on it.
    public static func isFollowable(isPublic: Bool, status: CaseStatus) -> Bool {
        isPublic && status.isOpen
    }

    /// Refuses "me too" on a case that is private or no longer open.
    /// - Throws: `caseNotFound` for a private case (whose existence the public may not learn);
    ///   `case_not_open` (`conflict`) for a finished one.
    public static func checkFollowable(isPublic: Bool, status: CaseStatus) throws(DomainError) {
        guard isPublic else { throw DomainError.caseNotFound }
        guard status.isOpen else {
            throw DomainError(
                .conflict, code: "case_not_open",
                th: "เรื่องนี้ดำเนินการเสร็จหรือปิดไปแล้ว ติดตามร่วมไม่ได้ กรุณาแจ้งเรื่องใหม่หากปัญหายังอยู่",
                en: "This case is finished or closed and cannot be followed; file a new case if the problem remains.")
        }
    }

    /// The area two reports must share to be the same problem: the district, else the province.
    public static func areaKey(_ area: CaseArea) -> String? {
        area.districtCode ?? area.provinceCode
    }

    /// The state of a case merged into a main case once the main case has a result: resolved with the
    /// main case's result, so its own citizen sees the result on their own code and may rate it or appeal
    /// (an appeal reopens their own case). Nil when there is nothing to pass on.
    public static func passResult(
        of main: CaseState, mainCode: String, to member: CaseState, at now: Date
    ) -> (CaseState, TimelineEntry)? {
        guard member.status == .merged, main.status == .resolved, let result = main.resolution else { return nil }
        var next = member
        next.status = .resolved
        next.resolution = result
        next.resolvedAt = now
        next.closedAt = nil
        if next.firstAnsweredAt == nil { next.firstAnsweredAt = now }
        let note = "ผลจากเรื่องหลัก \(mainCode): \(result)"
        return (next, TimelineEntry(kind: .resolved, fromStatus: .merged, toStatus: .resolved, note: note))
    }
}

/// A citizen following a case instead of filing it again ("me too"), as stored.
public struct CaseFollow: Sendable, Equatable {
    public var id: Int64
    public var caseID: Int64
    public var code: String
    public var createdAt: Date

    public init(id: Int64, caseID: Int64, code: String, createdAt: Date) {
        self.id = id
        self.caseID = caseID
        self.code = code
        self.createdAt = createdAt
    }
}

/// A follower's contact and wishes, when they asked to be told of the result.
public struct FollowContact: Sendable, Equatable {
    public var email: String?
    public var phone: String?
    public var consentVersion: String
    public var notify: [NotificationChannel]
    public var language: MessageLanguage

    public init(
        email: String?, phone: String?, consentVersion: String, notify: [NotificationChannel], language: MessageLanguage
    ) {
        self.email = email
        self.phone = phone
        self.consentVersion = consentVersion
        self.notify = notify
        self.language = language
    }
}
