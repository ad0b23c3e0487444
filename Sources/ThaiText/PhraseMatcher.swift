/// Finds many phrases at once in normalised text (Aho–Corasick), ignoring spaces.
///
/// Citizens write the same phrase with or without spaces ("ไฟ ดับ", "ไฟดับ"), so spaces are
/// dropped from both the phrases and the text before matching. Built once, then read
/// from any thread.
public struct PhraseMatcher: Sendable {
    /// States are numbered breadth-first (see `TrieTransitions`).
    private let transitions: TrieTransitions
    private let failure: [Int32]
    /// Phrases ending at each state, including those reached through failure links: those of
    /// state `s` are `outputPhrases[outputStarts[s]..<outputStarts[s + 1]]` (one flat array, so
    /// the scan touches no per-state array).
    private let outputStarts: [Int32]
    private let outputPhrases: [Int32]

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

        // Renumber the states in the order the queue visited them: breadth-first, root first.
        let order = [0] + queue
        var renumbered = [Int32](repeating: 0, count: goto.count)
        for (new, old) in order.enumerated() { renumbered[old] = Int32(new) }
        self.transitions = TrieTransitions(edges: order.map { goto[$0].mapValues { renumbered[Int($0)] } })
        self.failure = order.map { renumbered[Int(failure[$0])] }
        var outputStarts: [Int32] = [0]
        for old in order { outputStarts.append(outputStarts.last! + Int32(outputs[old].count)) }
        self.outputStarts = outputStarts
        self.outputPhrases = order.flatMap { outputs[$0] }
        self.phraseCount = phrases.count
    }

    /// Calls `body` with the index of each phrase occurrence in normalised `text` and the
    /// offset just after its last code unit, in order of where the occurrences end.
    public func forEachMatch(in text: UnsafeBufferPointer<UInt16>, _ body: (_ phrase: Int, _ end: Int) -> Void) {
        var state: Int32 = 0
        for (offset, unit) in text.enumerated() where unit != ThaiCharacters.space {
            while true {
                if let next = transitions.target(from: state, on: unit) {
                    state = next
                    break
                }
                if state == 0 { break }
                state = failure[Int(state)]
            }
            for output in Int(outputStarts[Int(state)])..<Int(outputStarts[Int(state) + 1]) {
                body(Int(outputPhrases[output]), offset + 1)
            }
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
