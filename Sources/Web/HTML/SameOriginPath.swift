/// A path on this site that a redirect may send a browser to.
///
/// Browsers normalise a `Location` before resolving it: they drop tabs and newlines anywhere, trim
/// leading and trailing control characters and spaces, and read `\` as `/`. So `/\t/evil.example`
/// reaches `//evil.example`, another site. Rather than predict every normalisation, a path is accepted
/// only when it has nothing a browser would change: no control character, space or backslash, one
/// leading slash and no second one right after it.
struct SameOriginPath: Equatable {
    let path: String

    static let home = SameOriginPath(checked: "/")

    private init(checked path: String) { self.path = path }

    /// `nil` unless `candidate` is a same-origin path as written.
    init?(_ candidate: String) {
        let scalars = candidate.unicodeScalars
        guard scalars.first == "/", scalars.dropFirst().first != "/",
            !scalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" })
        else { return nil }
        self.path = candidate
    }
}
