/// The transitions of a trie's states, read one code unit at a time by a scan.
///
/// Each state's transitions are a run sorted by code unit in flat arrays. Give the states
/// numbered breadth-first: a scan spends nearly all its time in the few shallow states, whose
/// runs then share a few cache lines (a hash table of the national gazetteer's transitions
/// spread them over megabytes, and most lookups missed the cache). The root, visited after
/// every failed match, also has a direct table for ASCII and the Thai block.
struct TrieTransitions: Sendable {
    /// State `s`'s transitions are `units[starts[s]..<starts[s + 1]]`, leading to the same slice of `targets`.
    private let starts: [Int32]
    private let units: [UInt16]
    private let targets: [Int32]
    /// The root's target by `Self.rootSlot(unit)`; 0 when there is none (no transition leads to the root).
    private let rootTargets: [Int32]

    /// Runs longer than this are binary-searched.
    private static let linearRun = 8

    /// - Parameter edges: for each state (0 is the root), its transitions: code unit → target state.
    init(edges: [[UInt16: Int32]]) {
        var starts: [Int32] = [0]
        var units: [UInt16] = []
        var targets: [Int32] = []
        for stateEdges in edges {
            for (unit, target) in stateEdges.sorted(by: { $0.key < $1.key }) {
                units.append(unit)
                targets.append(target)
            }
            starts.append(Int32(units.count))
        }
        var rootTargets = [Int32](repeating: 0, count: Self.rootSlots)
        for (unit, target) in edges.first ?? [:] {
            if let slot = Self.rootSlot(unit) { rootTargets[slot] = target }
        }
        self.starts = starts
        self.units = units
        self.targets = targets
        self.rootTargets = rootTargets
    }

    /// The state reached from `state` by `unit`, if any.
    @inline(__always)
    func target(from state: Int32, on unit: UInt16) -> Int32? {
        if state == 0, let slot = Self.rootSlot(unit) {
            let target = rootTargets[slot]
            return target == 0 ? nil : target
        }
        var lower = Int(starts[Int(state)])
        var upper = Int(starts[Int(state) + 1])
        while upper - lower > Self.linearRun {
            let middle = (lower + upper) / 2
            if units[middle] <= unit { lower = middle } else { upper = middle }
        }
        for edge in lower..<upper where units[edge] == unit { return targets[edge] }
        return nil
    }

    /// ASCII (0–0x7F), then the Thai block (U+0E00–U+0E7F).
    private static let rootSlots = 0x100

    @inline(__always)
    private static func rootSlot(_ unit: UInt16) -> Int? {
        if unit < 0x80 { return Int(unit) }
        if unit & 0xFF80 == 0x0E00 { return 0x80 + Int(unit - 0x0E00) }
        return nil
    }
}
