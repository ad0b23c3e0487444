/// The languages pages are written in: Thai first, English on request.
public enum Language: String, Sendable, CaseIterable, Codable {
    case thai = "th"
    case english = "en"

    /// The language a browser asks for in `Accept-Language`, or Thai.
    ///
    /// Takes the first of Thai or English in the order of the header's quality values
    /// (`en-GB,en;q=0.9,th;q=0.8` is English); anything else is Thai, the service's language.
    public static func preferred(acceptLanguage header: String?) -> Language {
        guard let header else { return .thai }
        var best: (language: Language, quality: Double)?
        for (position, part) in header.split(separator: ",").enumerated() {
            let fields = part.split(separator: ";").map { $0.trimmingCharacters(in: " ") }
            guard let tag = fields.first?.lowercased() else { continue }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard let language = Language(rawValue: primary) else { continue }
            var quality = 1.0
            for field in fields.dropFirst() where field.hasPrefix("q=") {
                quality = Double(field.dropFirst(2)) ?? 0
            }
            // Equal qualities keep the header's order.
            let score = quality - Double(position) * 1e-6
            guard quality > 0 else { continue }
            if best == nil || score > best!.quality { best = (language, score) }
        }
        return best?.language ?? .thai
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var slice = self[...]
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
