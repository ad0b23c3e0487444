import Domain

/// Codes of one dimension (categories, agencies, areas, channels) numbered from 1; 0 means none.
public struct CodeBook: Sendable {
    public private(set) var codes: [String] = [""]
    private var numbers: [String: Int32] = [:]

    public init() {}

    /// The number of `code`, adding it if new.
    mutating func number(_ code: String?) -> Int32 {
        guard let code, !code.isEmpty else { return 0 }
        if let number = numbers[code] { return number }
        let number = Int32(codes.count)
        codes.append(code)
        numbers[code] = number
        return number
    }

    /// The number of `code` if known.
    public func lookup(_ code: String) -> Int32? { numbers[code] }

    public func code(_ number: Int32) -> String? { number > 0 && Int(number) < codes.count ? codes[Int(number)] : nil }
}

/// Every case's facts in columns, for scanning: one array per field, one index per case.
///
/// Times are stored as seconds after filing (−1 when the event has not happened), which fits
/// 32 bits; days and months in Bangkok time are precomputed because every query groups or
/// filters by them.
public struct FactColumns: Sendable {
    public var ids: [Int64] = []
    public var filed: [Int64] = []
    public var day: [Int32] = []
    public var month: [Int32] = []
    public var category: [Int32] = []
    public var agency: [Int32] = []
    public var province: [Int32] = []
    public var district: [Int32] = []
    public var subdistrict: [Int32] = []
    public var status: [Int32] = []
    public var kind: [Int32] = []
    public var channel: [Int32] = []
    public var acknowledged: [Int32] = []
    public var firstAnswered: [Int32] = []
    public var resolved: [Int32] = []
    public var acknowledgeDue: [Int32] = []
    public var firstAnswerDue: [Int32] = []
    public var resolutionDue: [Int32] = []
    public var reopens: [Int32] = []
    public var rating: [Int32] = []

    public var categories = CodeBook()
    public var agencies = CodeBook()
    public var areas = CodeBook()
    public var channels = CodeBook()
    var positions: [Int64: Int32] = [:]

    public init() {}

    public var count: Int { ids.count }

    /// The stored key column of `dimension`; nil for weeks, which are derived from days.
    func column(_ dimension: StatisticsDimension) -> [Int32]? {
        switch dimension {
        case .category: return category
        case .agency: return agency
        case .province: return province
        case .district: return district
        case .subdistrict: return subdistrict
        case .status: return status
        case .kind: return kind
        case .channel: return channel
        case .month: return month
        case .day: return day
        case .week: return nil
        }
    }

    /// The code book that turns `dimension`'s keys back into codes; nil where keys are not codes.
    func codeBook(_ dimension: StatisticsDimension) -> CodeBook? {
        switch dimension {
        case .category: return categories
        case .agency: return agencies
        case .province, .district, .subdistrict: return areas
        case .channel: return channels
        case .status, .kind, .month, .week, .day: return nil
        }
    }

    static let statuses = CaseStatus.allCases
    static let kinds = CaseKind.allCases

    /// Adds a case, or replaces its facts if it is already there.
    public mutating func upsert(_ facts: CaseFacts) {
        func offset(_ time: Int64?) -> Int32 {
            guard let time else { return -1 }
            return Int32(clamping: max(0, time - facts.filedAt))
        }
        let day = BangkokCalendar.day(facts.filedAt)
        let values = (
            facts.filedAt, day, BangkokCalendar.month(ofDay: day), categories.number(facts.category),
            agencies.number(facts.agency), areas.number(facts.provinceCode), areas.number(facts.districtCode),
            areas.number(facts.subdistrictCode), Int32(Self.statuses.firstIndex(of: facts.status)!),
            Int32(Self.kinds.firstIndex(of: facts.kind)!), channels.number(facts.channel)
        )
        let times = (
            offset(facts.acknowledgedAt), offset(facts.firstAnsweredAt), offset(facts.resolvedAt),
            offset(facts.acknowledgeDue), offset(facts.firstAnswerDue), offset(facts.resolutionDue),
            Int32(clamping: facts.reopenCount), Int32(facts.rating ?? 0)
        )
        if let index = positions[facts.id].map(Int.init) {
            (filed[index], self.day[index], month[index], category[index], agency[index], province[index]) =
                (values.0, values.1, values.2, values.3, values.4, values.5)
            (district[index], subdistrict[index], status[index], kind[index], channel[index]) =
                (values.6, values.7, values.8, values.9, values.10)
            (acknowledged[index], firstAnswered[index], resolved[index], acknowledgeDue[index]) =
                (times.0, times.1, times.2, times.3)
            (firstAnswerDue[index], resolutionDue[index], reopens[index], rating[index]) = (times.4, times.5, times.6, times.7)
            return
        }
        positions[facts.id] = Int32(ids.count)
        ids.append(facts.id)
        filed.append(values.0)
        self.day.append(values.1)
        month.append(values.2)
        category.append(values.3)
        agency.append(values.4)
        province.append(values.5)
        district.append(values.6)
        subdistrict.append(values.7)
        status.append(values.8)
        kind.append(values.9)
        channel.append(values.10)
        acknowledged.append(times.0)
        firstAnswered.append(times.1)
        resolved.append(times.2)
        acknowledgeDue.append(times.3)
        firstAnswerDue.append(times.4)
        resolutionDue.append(times.5)
        reopens.append(times.6)
        rating.append(times.7)
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        ids.reserveCapacity(capacity)
        filed.reserveCapacity(capacity)
        for keyPath in Self.int32Columns { self[keyPath: keyPath].reserveCapacity(capacity) }
        positions.reserveCapacity(capacity)
    }

    nonisolated(unsafe) static let int32Columns: [WritableKeyPath<FactColumns, [Int32]>] = [
        \.day, \.month, \.category, \.agency, \.province, \.district, \.subdistrict, \.status, \.kind, \.channel,
        \.acknowledged, \.firstAnswered, \.resolved, \.acknowledgeDue, \.firstAnswerDue, \.resolutionDue, \.reopens,
        \.rating,
    ]
}
