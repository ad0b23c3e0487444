public import Domain

/// What statistics need to know of one case. Times are Unix seconds.
public struct CaseFacts: Sendable, Equatable {
    public var id: Int64
    public var filedAt: Int64
    public var category: String
    public var agency: String?
    public var provinceCode: String?
    public var districtCode: String?
    public var subdistrictCode: String?
    public var status: CaseStatus
    public var kind: CaseKind
    public var channel: String
    public var acknowledgedAt: Int64?
    public var firstAnsweredAt: Int64?
    public var resolvedAt: Int64?
    public var acknowledgeDue: Int64
    public var firstAnswerDue: Int64
    public var resolutionDue: Int64
    public var reopenCount: Int
    public var rating: Int?

    public init(
        id: Int64, filedAt: Int64, category: String, agency: String?, provinceCode: String?, districtCode: String?,
        subdistrictCode: String?, status: CaseStatus, kind: CaseKind, channel: String, acknowledgedAt: Int64?,
        firstAnsweredAt: Int64?, resolvedAt: Int64?, acknowledgeDue: Int64, firstAnswerDue: Int64, resolutionDue: Int64,
        reopenCount: Int, rating: Int?
    ) {
        self.id = id
        self.filedAt = filedAt
        self.category = category
        self.agency = agency
        self.provinceCode = provinceCode
        self.districtCode = districtCode
        self.subdistrictCode = subdistrictCode
        self.status = status
        self.kind = kind
        self.channel = channel
        self.acknowledgedAt = acknowledgedAt
        self.firstAnsweredAt = firstAnsweredAt
        self.resolvedAt = resolvedAt
        self.acknowledgeDue = acknowledgeDue
        self.firstAnswerDue = firstAnswerDue
        self.resolutionDue = resolutionDue
        self.reopenCount = reopenCount
        self.rating = rating
    }
}
