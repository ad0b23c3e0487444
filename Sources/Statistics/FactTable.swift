public import Domain

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
    /// Where each case is, by id: ids come from a sequence, so mostly dense from 1, and an array
    /// indexed by id (position + 1; 0 for none) costs 4 bytes a case and no hashing.
    var slots: [Int32] = []
    /// Positions of ids too far beyond the others to be slots (never, from the sequence).
    var farPositions: [Int64: Int32] = [:]

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
        upsert(
            FactRow(
                id: facts.id, filedAt: facts.filedAt, category: number(facts.category, in: .category),
                agency: number(facts.agency, in: .agency), province: number(facts.provinceCode, in: .area),
                district: number(facts.districtCode, in: .area), subdistrict: number(facts.subdistrictCode, in: .area),
                status: Self.number(facts.status), kind: Self.number(facts.kind), channel: number(facts.channel, in: .channel),
                acknowledgedAt: facts.acknowledgedAt, firstAnsweredAt: facts.firstAnsweredAt, resolvedAt: facts.resolvedAt,
                acknowledgeDue: facts.acknowledgeDue, firstAnswerDue: facts.firstAnswerDue, resolutionDue: facts.resolutionDue,
                reopenCount: Int32(clamping: facts.reopenCount), rating: Int32(facts.rating ?? 0)))
    }

    /// The dimensions whose values are codes, numbered by a code book.
    public enum CodeDimension: Sendable {
        case category, agency, area, channel
    }

    /// The number of `code` in `dimension`'s code book, adding it if new; 0 for none.
    public mutating func number(_ code: String?, in dimension: CodeDimension) -> Int32 {
        switch dimension {
        case .category: return categories.number(code)
        case .agency: return agencies.number(code)
        case .area: return areas.number(code)
        case .channel: return channels.number(code)
        }
    }

    public static func number(_ status: CaseStatus) -> Int32 { Int32(statuses.firstIndex(of: status)!) }
    public static func number(_ kind: CaseKind) -> Int32 { Int32(kinds.firstIndex(of: kind)!) }

    /// Adds a case given as numbers, or replaces its facts if it is already there (a full load
    /// numbers its codes itself, without making a string of each).
    public mutating func upsert(_ row: FactRow) {
        func offset(_ time: Int64?) -> Int32 {
            guard let time else { return -1 }
            return Int32(clamping: max(0, time - row.filedAt))
        }
        let day = BangkokCalendar.day(row.filedAt)
        let values = (
            row.filedAt, day, BangkokCalendar.month(ofDay: day), row.category, row.agency, row.province, row.district,
            row.subdistrict, row.status, row.kind, row.channel
        )
        let times = (
            offset(row.acknowledgedAt), offset(row.firstAnsweredAt), offset(row.resolvedAt), offset(row.acknowledgeDue),
            offset(row.firstAnswerDue), offset(row.resolutionDue), row.reopenCount, row.rating
        )
        if let index = position(of: row.id) {
            (filed[index], self.day[index], month[index], category[index], agency[index], province[index]) =
                (values.0, values.1, values.2, values.3, values.4, values.5)
            (district[index], subdistrict[index], status[index], kind[index], channel[index]) =
                (values.6, values.7, values.8, values.9, values.10)
            (acknowledged[index], firstAnswered[index], resolved[index], acknowledgeDue[index]) =
                (times.0, times.1, times.2, times.3)
            (firstAnswerDue[index], resolutionDue[index], reopens[index], rating[index]) = (times.4, times.5, times.6, times.7)
            return
        }
        setPosition(Int32(ids.count), of: row.id)
        ids.append(row.id)
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

    func position(of id: Int64) -> Int? {
        if id >= 0, id < slots.count, case let slot = slots[Int(id)], slot > 0 { return Int(slot) - 1 }
        return farPositions.isEmpty ? nil : farPositions[id].map(Int.init)
    }

    private mutating func setPosition(_ position: Int32, of id: Int64) {
        // A slot array at most twice as long as there are cases (plus a margin) stays cheap.
        // The capacity counts too: a full load reserves it for every case, and reads them in the table's
        // order, not by id.
        let limit = 2 * Int64(max(ids.count, ids.capacity)) + 1_000_000
        guard id >= 0, id < limit else {
            farPositions[id] = position
            return
        }
        if id >= slots.count {
            // Growing by doubling: appending one slot at a time must not copy the array each time.
            if id >= slots.capacity { slots.reserveCapacity(max(Int(id) + 1, slots.capacity * 2)) }
            slots.append(contentsOf: repeatElement(0, count: Int(id) + 1 - slots.count))
        }
        slots[Int(id)] = position + 1
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        ids.reserveCapacity(capacity)
        filed.reserveCapacity(capacity)
        for keyPath in Self.int32Columns { self[keyPath: keyPath].reserveCapacity(capacity) }
        slots.reserveCapacity(capacity + 1)
    }

    /// Bytes the columns hold (their capacity), for reporting memory.
    public var memoryBytes: Int {
        var bytes = (ids.capacity + filed.capacity) * 8 + slots.capacity * 4 + farPositions.capacity * 16
        for keyPath in Self.int32Columns { bytes += self[keyPath: keyPath].capacity * 4 }
        return bytes
    }

    nonisolated(unsafe) static let int32Columns: [WritableKeyPath<FactColumns, [Int32]>] = [
        \.day, \.month, \.category, \.agency, \.province, \.district, \.subdistrict, \.status, \.kind, \.channel,
        \.acknowledged, \.firstAnswered, \.resolved, \.acknowledgeDue, \.firstAnswerDue, \.resolutionDue, \.reopens,
        \.rating,
    ]
}

/// One case's facts with its codes already numbered (`FactColumns.number`). Times are Unix seconds.
public struct FactRow: Sendable {
    public var id: Int64
    public var filedAt: Int64
    public var category: Int32
    public var agency: Int32
    public var province: Int32
    public var district: Int32
    public var subdistrict: Int32
    public var status: Int32
    public var kind: Int32
    public var channel: Int32
    public var acknowledgedAt: Int64?
    public var firstAnsweredAt: Int64?
    public var resolvedAt: Int64?
    public var acknowledgeDue: Int64
    public var firstAnswerDue: Int64
    public var resolutionDue: Int64
    public var reopenCount: Int32
    /// Stars, 0 for none.
    public var rating: Int32

    public init(
        id: Int64, filedAt: Int64, category: Int32, agency: Int32, province: Int32, district: Int32, subdistrict: Int32,
        status: Int32, kind: Int32, channel: Int32, acknowledgedAt: Int64?, firstAnsweredAt: Int64?, resolvedAt: Int64?,
        acknowledgeDue: Int64, firstAnswerDue: Int64, resolutionDue: Int64, reopenCount: Int32, rating: Int32
    ) {
        self.id = id
        self.filedAt = filedAt
        self.category = category
        self.agency = agency
        self.province = province
        self.district = district
        self.subdistrict = subdistrict
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
