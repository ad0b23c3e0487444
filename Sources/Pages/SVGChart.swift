/// One bar or one point of a chart: what it is called and how much.
public struct ChartPoint: Sendable {
    public var label: String
    public var value: Double

    public init(label: String, value: Double) {
        self.label = label
        self.value = value
    }
}

/// Inline SVG charts for the public statistics page, drawn on the server.
///
/// Drawn on the server so the page needs no JavaScript and a chart costs a few kilobytes. The
/// shapes say nothing to a screen reader, so each chart is one image (`role="img"`) named by its
/// `<title>` and `<desc>`: the caller's description should carry the figures. Sizes are in
/// `viewBox` units and the SVG is `width="100%"`, so it shrinks to a 320 px phone (the page CSS
/// should cap its width on wide screens). Colours come from the page CSS through the classes
/// `bar`, `line`, `dot`, `axis`, `label` and `value`; lines default to `currentColor`.
///
/// The result goes into HTML unescaped (Mustache triple braces), so every text in it is escaped
/// here. Values below zero, NaN and infinities are drawn and shown as 0: a chart of counts and
/// durations has no use for them, and they would break the scale.
public enum SVGChart {
    /// Width of every chart in `viewBox` units; narrow, so text stays legible when scaled to a phone.
    static let width = 400.0

    /// A horizontal bar chart, one row per point in the given order, the value written after the bar.
    ///
    /// Labels longer than the label column are shortened with "…"; the full label and value are in
    /// each row's `<title>` (a tooltip). Bars are scaled so the largest value fills the bar area.
    public static func bars(
        id: String, title: String, description: String, points: [ChartPoint], format: (Double) -> String
    ) -> String {
        let id = sanitised(id)
        guard !points.isEmpty else { return empty(id: id, kind: "bars", title: title, description: description) }
        // Label column up to x 128, bars from 134 up to 334, leaving room for the value text.
        let labelEnd = 128.0, barStart = 134.0, barArea = 200.0, row = 24.0, barHeight = 16.0, margin = 4.0
        let values = points.map { cleaned($0.value) }
        let largest = values.max() ?? 0
        let height = margin * 2 + row * Double(points.count)
        var svg = opening(id: id, kind: "bars", height: height, title: title, description: description)
        svg += "<line class=\"axis\" x1=\"\(n(barStart))\" y1=\"0\" x2=\"\(n(barStart))\" y2=\"\(n(height))\""
            + " stroke=\"currentColor\"/>"
        for (index, point) in points.enumerated() {
            let value = values[index]
            let length = largest > 0 ? value / largest * barArea : 0
            let top = margin + row * Double(index)
            let middle = top + row / 2
            let text = escaped(format(value))
            svg += "<g><title>\(escaped(point.label)): \(text)</title>"
            svg += "<text class=\"label\" x=\"\(n(labelEnd))\" y=\"\(n(middle))\" dy=\"0.35em\" text-anchor=\"end\">"
                + "\(escaped(shortened(point.label, to: 16)))</text>"
            svg += "<rect class=\"bar\" x=\"\(n(barStart))\" y=\"\(n(top + (row - barHeight) / 2))\""
                + " width=\"\(n(length))\" height=\"\(n(barHeight))\"/>"
            svg += "<text class=\"value\" x=\"\(n(barStart + length + 4))\" y=\"\(n(middle))\" dy=\"0.35em\">"
                + "\(text)</text></g>"
        }
        return svg + "</svg>"
    }

    /// A line of values over ordered labels (months, days), with a dot per point.
    ///
    /// The top of the scale is the largest value, written above a dashed guide line; at most six
    /// x labels (always the first and the last) so they do not collide on a phone. Each dot has a
    /// `<title>` "label: value" as a tooltip.
    public static func line(
        id: String, title: String, description: String, points: [ChartPoint], format: (Double) -> String
    ) -> String {
        let id = sanitised(id)
        guard !points.isEmpty else { return empty(id: id, kind: "line", title: title, description: description) }
        // The side margins leave room for a centred x label under the first and last point.
        let height = 200.0, left = 28.0, right = width - 28, top = 24.0, bottom = 172.0
        let values = points.map { cleaned($0.value) }
        let largest = values.max() ?? 0
        let step = points.count > 1 ? (right - left) / Double(points.count - 1) : 0
        func x(_ index: Int) -> Double { points.count > 1 ? left + step * Double(index) : (left + right) / 2 }
        func y(_ value: Double) -> Double { largest > 0 ? bottom - value / largest * (bottom - top) : bottom }

        var svg = opening(id: id, kind: "line", height: height, title: title, description: description)
        svg += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(bottom))\""
            + " stroke=\"currentColor\"/>"
        svg += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(bottom))\" x2=\"\(n(right))\" y2=\"\(n(bottom))\""
            + " stroke=\"currentColor\"/>"
        if largest > 0 {
            svg += "<line class=\"axis\" x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(right))\" y2=\"\(n(top))\""
                + " stroke=\"currentColor\" stroke-dasharray=\"2 4\"/>"
        }
        // With nothing above zero the scale has no top; the 0 then belongs on the baseline.
        let scaleTop = largest > 0 ? top : bottom
        svg += "<text class=\"value\" x=\"\(n(left + 4))\" y=\"\(n(scaleTop - 6))\">\(escaped(format(largest)))</text>"

        let coordinates = values.indices.map { "\(n(x($0))),\(n(y(values[$0])))" }
        svg += "<polyline class=\"line\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2\""
            + " stroke-linejoin=\"round\" points=\"\(coordinates.joined(separator: " "))\"/>"
        let radius = points.count > 60 ? 1.5 : 3
        for (index, point) in points.enumerated() {
            svg += "<circle class=\"dot\" cx=\"\(n(x(index)))\" cy=\"\(n(y(values[index])))\" r=\"\(n(radius))\">"
                + "<title>\(escaped(point.label)): \(escaped(format(values[index])))</title></circle>"
        }
        for index in labelledIndices(count: points.count, spacing: step) {
            svg += "<text class=\"label\" x=\"\(n(x(index)))\" y=\"\(n(bottom + 18))\" text-anchor=\"middle\">"
                + "\(escaped(shortened(points[index].label, to: 10)))</text>"
        }
        return svg + "</svg>"
    }

    /// Which points get an x label: the first, every `step`-th after it and the last, at most six,
    /// leaving out one that would sit too close to the last (labels are up to about 56 units wide).
    static func labelledIndices(count: Int, spacing: Double) -> [Int] {
        guard count > 1 else { return count == 1 ? [0] : [] }
        let last = count - 1
        let step = max(1, (last + 4) / 5)
        var indices = Array(stride(from: 0, to: last, by: step))
        if let closest = indices.last, closest > 0, Double(last - closest) * spacing < 60 { indices.removeLast() }
        return indices + [last]
    }

    /// The `<svg>` start tag with its accessible name and description.
    static func opening(id: String, kind: String, height: Double, title: String, description: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-\(kind)\" role=\"img\""
            + " aria-labelledby=\"\(id)-title \(id)-desc\" viewBox=\"0 0 \(n(width)) \(n(height))\""
            + " width=\"100%\" font-size=\"12\">"
            + "<title id=\"\(id)-title\">\(escaped(title))</title>"
            + "<desc id=\"\(id)-desc\">\(escaped(description))</desc>"
    }

    /// A chart with nothing to draw: the title and description, the description also shown as text.
    static func empty(id: String, kind: String, title: String, description: String) -> String {
        opening(id: id, kind: kind, height: 40, title: title, description: description)
            + "<text class=\"label\" x=\"\(n(width / 2))\" y=\"20\" dy=\"0.35em\" text-anchor=\"middle\">"
            + "\(escaped(shortened(description, to: 56)))</text></svg>"
    }

    /// The id with everything but ASCII letters, digits, `_` and `-` removed ("chart" if nothing is left),
    /// because it is written into attributes and `aria-labelledby` splits on spaces.
    static func sanitised(_ id: String) -> String {
        let kept = id.unicodeScalars.filter { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_"
                || scalar == "-")
        }
        return kept.isEmpty ? "chart" : String(String.UnicodeScalarView(kept))
    }

    /// A value fit to draw: negative, NaN and infinite ones become 0.
    static func cleaned(_ value: Double) -> Double {
        value.isFinite && value > 0 ? value : 0
    }

    /// Text made safe for element content and quoted attributes in both HTML and XML.
    ///
    /// Control characters other than tab and line breaks are dropped: XML does not allow them.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` cut to at most `limit` characters, the last of them "…".
    ///
    /// Counted in grapheme clusters, so a Thai consonant keeps its vowel and tone marks; a Thai
    /// leading vowel (เ แ โ ใ ไ) left dangling at the cut goes too, as it belongs to what follows.
    static func shortened(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        var kept = text.prefix(max(limit - 1, 0))
        while let last = kept.last,
            last.isWhitespace || last.unicodeScalars.allSatisfy({ (0x0E40...0x0E44).contains($0.value) })
        {
            kept = kept.dropLast()
        }
        return kept + "…"
    }

    /// A coordinate with at most one decimal, to keep the markup small.
    static func n(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e15 else { return "0" }
        let magnitude = Int(abs(tenths))
        let sign = tenths < 0 && magnitude > 0 ? "-" : ""
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
