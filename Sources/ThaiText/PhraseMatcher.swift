/// Finds many phrases at once in normalised text (Aho–Corasick), ignoring spaces.
///
/// Citizens write the same phrase with or without spaces ("ไฟ ดับ", "ไฟดับ"), so spaces are
/// dropped from both the phrases and the text before matching. Built once, then read
/// from any thread.
public struct PhraseMatcher: Sendable {
    /// Transitions keyed by (state << 16 | code unit).
    private let transitions: FrozenHashTable
    private let failure: [Int32]
    /// Phrases ending at each state, including those reached through failure links.
    private let outputs: [[Int32]]

    /// The number of phrases.
    public let phraseCount: Int

    /// Builds a matcher for `phrases`; a match reports the phrase's index in this array.
    /// Phrases are normalised with `ThaiNormalizer`; empty ones never match.
    public init(phrases: [String]) {
        var goto: [[UInt16: Int32]] = [[:]]
        var terminal: [[Int32]] = [[]]
        for (index, phrase) in phrases.enumerated() {
            let units = ThaiNormalizer.normalizedUTF16(phrase).filter { $0 != ThaiCharacters.space }
            guard !units.isEmpty else { continue }
            var state = 0
            for unit in units {
                if let next = goto[state][unit] {
                    state = Int(next)
                } else {
                    goto.append([:])
                    terminal.append([])
                    goto[state][unit] = Int32(goto.count - 1)
                    state = goto.count - 1
                }
            }
            terminal[state].append(Int32(index))
        }

        // Breadth-first: a state's failure link is the longest proper suffix that is also a prefix.
        var failure = [Int32](repeating: 0, count: goto.count)
        var outputs = terminal
        var queue: [Int] = goto[0].values.map { Int($0) }.sorted()
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (unit, next) in goto[state].sorted(by: { $0.key < $1.key }) {
                var fallback = Int(failure[state])
                while fallback != 0, goto[fallback][unit] == nil { fallback = Int(failure[fallback]) }
                let link = state == 0 ? 0 : (goto[fallback][unit].map(Int.init) ?? 0)
                failure[Int(next)] = Int32(link == Int(next) ? 0 : link)
                outputs[Int(next)].append(contentsOf: outputs[Int(failure[Int(next)])])
                queue.append(Int(next))
            }
        }
        // Children of the root fail to the root.
        for next in goto[0].values { failure[Int(next)] = 0 }

        var pairs: [(UInt64, Int32)] = []
        for (state, edges) in goto.enumerated() {
            for (unit, next) in edges { pairs.append((UInt64(state) << 16 | UInt64(unit), next)) }
        }
        self.transitions = FrozenHashTable(pairs, expectedCount: pairs.count)
        self.failure = failure
        self.outputs = outputs
        self.phraseCount = phrases.count
    }

    /// Calls `body` with the index of each phrase occurrence in normalised `text` and the
    /// offset just after its last code unit, in order of where the occurrences end.
    public func forEachMatch(in text: UnsafeBufferPointer<UInt16>, _ body: (_ phrase: Int, _ end: Int) -> Void) {
        var state: Int32 = 0
        for (offset, unit) in text.enumerated() where unit != ThaiCharacters.space {
            while true {
                if let next = transitions[UInt64(state) << 16 | UInt64(unit)] {
                    state = next
                    break
                }
                if state == 0 { break }
                state = failure[Int(state)]
            }
            for phrase in outputs[Int(state)] { body(Int(phrase), offset + 1) }
        }
    }

    /// The indices of the phrases found in `text` (normalised first), each once, ascending.
    public func matches(in text: String) -> [Int] {
        let units = ThaiNormalizer.normalizedUTF16(text)
        var found = Set<Int>()
        units.withUnsafeBufferPointer { buffer in forEachMatch(in: buffer) { phrase, _ in found.insert(phrase) } }
        return found.sorted()
    }
}
