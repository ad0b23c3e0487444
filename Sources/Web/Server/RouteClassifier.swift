import HTTPTypes
import Setup

/// Which allowance (`RouteClass`) an API request draws on, by method and path: the first rule that
/// matches wins. A new route family is one line here.
///
/// Patterns are a method (or `*`) and a path whose segments are literal, `*` (any one segment),
/// `name*` (a segment starting with `name`) or a final `**` (any number of segments, none included).
struct RouteClassifier: Sendable {
    static let rules: [(String, RouteClass)] = [
        ("POST /api/v1/cases", .filing),
        ("POST /api/v1/proposals", .filing),
        ("POST /open311/v2/requests*", .filing),
        ("* /api/v1/proposals/*/support*/**", .supports),
        ("* /api/v1/budgets/*/ballot*/**", .supports),
        ("POST /api/v1/consultations/*/opinions", .supports),
        ("POST /api/v1/consultations/participants", .supports),
        ("* /api/v1/cases/**", .tracking),
        ("GET /open311/v2/requests*/**", .tracking),
        ("GET /open311/v2/tokens/**", .tracking),
        ("* /api/v1/stats/**", .statistics),
        ("* /api/v1/open-data/**", .exports),
        ("* /api/v1/agency/**", .agency),
        ("* /api/v1/**", .other),
        ("* /open311/**", .other),
    ]

    struct Rule: Sendable {
        let method: HTTPRequest.Method?
        let segments: [String]
        let routeClass: RouteClass

        init(_ pattern: String, _ routeClass: RouteClass) {
            let parts = pattern.split(separator: " ", maxSplits: 1)
            precondition(parts.count == 2, "a route rule is \"METHOD /path\": \(pattern)")
            method = parts[0] == "*" ? nil : HTTPRequest.Method(String(parts[0]))
            segments = parts[1].split(separator: "/").map(String.init)
            self.routeClass = routeClass
        }

        func matches(_ method: HTTPRequest.Method, _ path: [Substring]) -> Bool {
            if let wanted = self.method, wanted != method { return false }
            var index = 0
            for (position, segment) in segments.enumerated() {
                if segment == "**" { return position == segments.count - 1 }
                guard index < path.count else { return false }
                let part = path[index]
                if segment == "*" {
                } else if segment.hasSuffix("*") {
                    guard part.hasPrefix(segment.dropLast()) else { return false }
                } else if part != segment {
                    return false
                }
                index += 1
            }
            return index == path.count
        }
    }

    let rules: [Rule]

    init(rules: [(String, RouteClass)] = Self.rules) {
        self.rules = rules.map { Rule($0.0, $0.1) }
    }

    /// The class of a request, or nil when it is not an API request (pages, health, assets).
    func routeClass(method: HTTPRequest.Method, path: String) -> RouteClass? {
        // Split first: the router ignores empty segments, so `//api/v1/cases` is the same route.
        let segments = path.split(separator: "/")
        guard let first = segments.first, first == "api" || first == "open311" else { return nil }
        return rules.first { $0.matches(method, segments) }?.routeClass
    }
}
