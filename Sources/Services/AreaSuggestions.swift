public import Domain

extension Reference {
    /// The areas of `level` (within `parent` when given) whose names are closest to `input` by edit
    /// distance over Thai characters, closest first; for "did you mean" answers to an unknown name.
    /// Names further than half the input's length are not suggested.
    public func suggestions(for input: String, level: AreaLevel, within parent: String? = nil, limit: Int = 5) -> [Area] {
        let wanted = Array(Self.key(input))
        guard !wanted.isEmpty else { return [] }
        let bound = max(1, wanted.count / 2)
        var scored: [(distance: Int, area: Area)] = []
        for area in data.areas where area.level == level && (parent == nil || area.code.hasPrefix(parent!)) {
            let distance = ([area.nameTH] + area.altNames).map { EditDistance.between(wanted, Array(Self.key($0)), bound: bound) }.min()!
            if distance <= bound { scored.append((distance, area)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.area.code < $1.area.code }
        return scored.prefix(limit).map(\.area)
    }

    /// How to name `area` in a suggestion: its Thai name, with its province (and district) when the
    /// name alone is not enough ("บางพลี จ.สมุทรปราการ").
    public func suggestionLabel(_ area: Area) -> String {
        let lineage = Area.lineage(of: area.code).dropFirst().compactMap { areas[$0] }
        guard !lineage.isEmpty else { return area.nameTH }
        let parts = lineage.map { ($0.level == .province ? "จ." : $0.code.hasPrefix("10") ? "เขต" : "อ.") + $0.nameTH }
        return ([area.nameTH] + parts).joined(separator: " ")
    }
}

/// Levenshtein distance over characters (Thai vowels and tone marks count as characters).
enum EditDistance {
    /// The distance, or `bound + 1` once it is sure to exceed `bound`.
    static func between(_ a: [Character], _ b: [Character], bound: Int) -> Int {
        if abs(a.count - b.count) > bound { return bound + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > bound { return bound + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
