import Testing

@testable import Pages

@Suite("Inline SVG charts")
struct SVGChartTests {
    /// Both chart kinds, so rules that hold for every chart are tested on each.
    enum Kind: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case bars, line

        var testDescription: String { rawValue }

        func draw(
            id: String = "chart", title: String = "Title", description: String = "Description",
            _ points: [ChartPoint], format: (Double) -> String = { String(Int($0)) }
        ) -> String {
            switch self {
            case .bars: SVGChart.bars(id: id, title: title, description: description, points: points, format: format)
            case .line: SVGChart.line(id: id, title: title, description: description, points: points, format: format)
            }
        }
    }

    /// The start tags of the elements with `class="name"`.
    func tags(_ svg: String, class name: String) throws -> [String] {
        try svg.matches(of: Regex("<[a-z]+ class=\"\(name)\"[^>]*>")).map { String(svg[$0.range]) }
    }

    /// The value of `attribute` in a start tag.
    func attribute(_ attribute: String, of tag: String) throws -> String? {
        try tag.firstMatch(of: Regex(" \(attribute)=\"([^\"]*)\""))?.output[1].substring.map(String.init)
    }

    func number(_ attribute: String, of tag: String) throws -> Double? {
        try self.attribute(attribute, of: tag).flatMap(Double.init)
    }

    /// The texts of the `<text>` elements with `class="name"`.
    func texts(_ svg: String, class name: String) throws -> [String] {
        try svg.matches(of: Regex("<text class=\"\(name)\"[^>]*>([^<]*)</text>")).compactMap {
            $0.output[1].substring.map(String.init)
        }
    }

    /// The height of the `viewBox`.
    func height(_ svg: String) throws -> Double? {
        try attribute("viewBox", of: svg)?.split(separator: " ").last.flatMap { Double($0) }
    }

    func months(_ count: Int) -> [ChartPoint] {
        (0..<count).map { ChartPoint(label: "M\($0 + 1)", value: Double(($0 * 37) % 11 + 1)) }
    }

    @Test("a chart is an image named by its title and described by its description", arguments: Kind.allCases)
    func accessibleName(kind: Kind) {
        let svg = kind.draw(id: "monthly", title: "Cases per month", description: "12 cases in November", months(3))
        #expect(svg.hasPrefix("<svg "))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-labelledby=\"monthly-title monthly-desc\""))
        #expect(svg.contains("<title id=\"monthly-title\">Cases per month</title>"))
        #expect(svg.contains("<desc id=\"monthly-desc\">12 cases in November</desc>"))
        #expect(svg.contains("viewBox=\"0 0 400 "))
        #expect(svg.contains("width=\"100%\""))
    }

    @Test("the id keeps only ASCII letters, digits, underscores and hyphens", arguments: Kind.allCases)
    func sanitisedID(kind: Kind) {
        let svg = kind.draw(id: "a b\"<c>_-ก1", months(2))
        #expect(svg.contains("aria-labelledby=\"abc_-1-title abc_-1-desc\""))
        #expect(svg.contains("<title id=\"abc_-1-title\">"))
        #expect(kind.draw(id: "\" onload=\"x", months(2)).contains("aria-labelledby=\"onloadx-title onloadx-desc\""))
        #expect(kind.draw(id: "ที่", months(2)).contains("aria-labelledby=\"chart-title chart-desc\""))
    }

    @Test("labels, titles, descriptions and values that hold markup are escaped", arguments: Kind.allCases)
    func escaping(kind: Kind) throws {
        let hostile = [
            ChartPoint(label: "<script>alert(\"x\")</script>", value: 3),
            ChartPoint(label: "O'Brien & \"Sons\"", value: 5),
        ]
        let svg = kind.draw(
            title: "<b>Title</b>", description: "\"quoted\" & 'single'", hostile, format: { "<i>\(Int($0))</i>" }
        )
        #expect(!svg.contains("<script"))
        #expect(!svg.contains("<b>"))
        #expect(!svg.contains("<i>"))
        #expect(!svg.contains("alert(\"x\")"))
        #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        #expect(svg.contains("O&#39;Brien &amp; &quot;Sons&quot;: &lt;i&gt;5&lt;/i&gt;"))
        #expect(svg.contains("<title id=\"chart-title\">&lt;b&gt;Title&lt;/b&gt;</title>"))
        #expect(svg.contains("<desc id=\"chart-desc\">&quot;quoted&quot; &amp; &#39;single&#39;</desc>"))
        // Every "<" left opens one of the chart's own elements.
        let stray = try Regex("<(?!/?(svg|title|desc|g|text|rect|line|polyline|circle)[ >/])")
        #expect(svg.firstMatch(of: stray) == nil)
    }

    @Test("an empty chart keeps its title and shows its description", arguments: Kind.allCases)
    func empty(kind: Kind) throws {
        let svg = kind.draw(id: "none", title: "Cases", description: "No cases <yet>", [])
        #expect(svg.hasPrefix("<svg "))
        #expect(svg.hasSuffix("</svg>"))
        #expect(svg.contains("aria-labelledby=\"none-title none-desc\""))
        #expect(svg.contains("<desc id=\"none-desc\">No cases &lt;yet&gt;</desc>"))
        #expect(try texts(svg, class: "label") == ["No cases &lt;yet&gt;"])
        #expect(try tags(svg, class: "bar").isEmpty)
        #expect(!svg.contains("<polyline"))
    }

    @Test("all-zero, negative and NaN values draw at zero without dividing by zero", arguments: Kind.allCases)
    func zeroValues(kind: Kind) {
        let points = [
            ChartPoint(label: "A", value: 0), ChartPoint(label: "B", value: -4),
            ChartPoint(label: "C", value: .nan), ChartPoint(label: "D", value: 0),
        ]
        let svg = kind.draw(points, format: { $0 == 0 ? "zero" : "other" })
        #expect(svg.hasSuffix("</svg>"))
        #expect(!svg.lowercased().contains("nan"))
        #expect(!svg.lowercased().contains("inf"))
        #expect(!svg.contains("other"))
    }

    @Test("coordinates have at most one decimal", arguments: Kind.allCases)
    func shortCoordinates(kind: Kind) throws {
        let points = (1...7).map { ChartPoint(label: "P", value: 1 / Double($0) + 0.123456) }
        let svg = kind.draw(points, format: { _ in "v" })
        // dy="0.35em" is a font-relative offset, not a coordinate.
        #expect(svg.firstMatch(of: try Regex("[0-9]\\.[0-9]{2}(?!em)")) == nil)
        #expect(
            svg.firstMatch(of: try Regex("[0-9]\\.[0-9][ ,\"]")) != nil,
            "some coordinate has a decimal, so the check above means something"
        )
    }

    @Test("a bar chart draws one bar per point in order, the largest value the longest bar, in proportion")
    func barLengths() throws {
        let values = [20.0, 80, 40, 10, 0]
        let points = values.enumerated().map { ChartPoint(label: "Row \($0.offset)", value: $0.element) }
        let svg = SVGChart.bars(id: "b", title: "T", description: "D", points: points, format: { String(Int($0)) })
        let bars = try tags(svg, class: "bar")
        #expect(bars.count == values.count)
        let widths = try bars.map { try number("width", of: $0) ?? -1 }
        #expect(widths.firstIndex(of: widths.max()!) == 1)
        #expect(widths[2] == widths[1] / 2)
        #expect(widths[4] == 0)
        let tops = try bars.map { try number("y", of: $0) ?? -1 }
        #expect(tops == tops.sorted() && Set(tops).count == tops.count, "rows go down the chart in order")
        #expect(try texts(svg, class: "value") == ["20", "80", "40", "10", "0"])
        #expect(try texts(svg, class: "label") == ["Row 0", "Row 1", "Row 2", "Row 3", "Row 4"])
    }

    @Test("a bar chart grows taller with more points")
    func barChartHeight() throws {
        let few = SVGChart.bars(id: "b", title: "T", description: "D", points: months(2), format: { "\($0)" })
        let many = SVGChart.bars(id: "b", title: "T", description: "D", points: months(20), format: { "\($0)" })
        let fewHeight = try #require(try height(few))
        let manyHeight = try #require(try height(many))
        #expect(manyHeight > fewHeight * 5)
    }

    @Test("a long Thai label is shortened on a character boundary, its full text kept in the tooltip")
    func longThaiLabel() throws {
        let label = "สำนักงานเขตบางกะปิและหน่วยงานที่เกี่ยวข้องทั้งหมด"
        let svg = SVGChart.bars(
            id: "b", title: "T", description: "D", points: [ChartPoint(label: label, value: 7)],
            format: { "\(Int($0))" }
        )
        let shown = try #require(try texts(svg, class: "label").first)
        #expect(shown.hasSuffix("…"))
        #expect(shown.count <= 16)
        let kept = shown.dropLast().unicodeScalars
        #expect(label.unicodeScalars.starts(with: kept))
        // The next scalar is not a vowel or tone mark that belonged to the last kept letter.
        let next = label.unicodeScalars.dropFirst(kept.count).first!
        #expect(next.properties.generalCategory != .nonspacingMark)
        #expect(svg.contains("<title>\(label): 7</title>"))
    }

    @Test("a Thai leading vowel is not left dangling before the ellipsis")
    func danglingLeadingVowel() throws {
        // The fifteenth character is เ, which belongs to the syllable after the cut.
        let label = "ABCDEFGHIJKLMNเก่ามาก"
        let svg = SVGChart.bars(
            id: "b", title: "T", description: "D", points: [ChartPoint(label: label, value: 1)], format: { "\($0)" }
        )
        #expect(try texts(svg, class: "label") == ["ABCDEFGHIJKLMN…"])
    }

    @Test("a short label is shown whole")
    func shortLabel() throws {
        let svg = SVGChart.bars(
            id: "b", title: "T", description: "D", points: [ChartPoint(label: "ถนน", value: 1)], format: { "\($0)" }
        )
        #expect(try texts(svg, class: "label") == ["ถนน"])
    }

    @Test("a line chart has one polyline vertex and one dot per point")
    func lineVertices() throws {
        let points = months(24)
        let svg = SVGChart.line(id: "l", title: "T", description: "D", points: points, format: { "\(Int($0))" })
        let polyline = try #require(try tags(svg, class: "line").first)
        let vertices = try #require(try attribute("points", of: polyline)).split(separator: " ")
        #expect(vertices.count == points.count)
        #expect(try tags(svg, class: "dot").count == points.count)
    }

    @Test("each dot of a line chart has a tooltip with its label and value")
    func dotTooltips() {
        let points = [ChartPoint(label: "ต.ค. 69", value: 12), ChartPoint(label: "พ.ย. 69", value: 1234)]
        let format = DisplayFormat(language: .thai)
        let svg = SVGChart.line(
            id: "l", title: "T", description: "D", points: points, format: { format.number(Int($0)) }
        )
        #expect(svg.contains("<title>ต.ค. 69: 12</title>"))
        #expect(svg.contains("<title>พ.ย. 69: 1,234</title>"))
    }

    @Test("a higher value is drawn higher, the largest at the top of the scale, which is labelled")
    func lineScale() throws {
        let points = [
            ChartPoint(label: "a", value: 5), ChartPoint(label: "b", value: 20), ChartPoint(label: "c", value: 0),
        ]
        let svg = SVGChart.line(id: "l", title: "T", description: "D", points: points, format: { "\(Int($0)) cases" })
        let ys = try tags(svg, class: "dot").map { try number("cy", of: $0) ?? -1 }
        #expect(ys.count == 3)
        #expect(ys[1] < ys[0] && ys[0] < ys[2])
        #expect(try texts(svg, class: "value") == ["20 cases"])
    }

    @Test("a line chart of many points labels at most six of them, always the first and the last")
    func lineXLabels() throws {
        for count in [2, 5, 6, 7, 12, 13, 24, 31, 365] {
            let points = months(count)
            let svg = SVGChart.line(id: "l", title: "T", description: "D", points: points, format: { "\($0)" })
            let labels = try texts(svg, class: "label")
            #expect(labels.count <= 6, "\(count) points")
            #expect(labels.count >= min(count, 4), "\(count) points")
            #expect(labels.first == points.first?.label, "\(count) points")
            #expect(labels.last == points.last?.label, "\(count) points")
            let xs = try tags(svg, class: "label").map { try number("x", of: $0) ?? -1 }
            let gaps = zip(xs, xs.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 >= 56 }, "labels of \(count) points do not collide: \(xs)")
        }
    }

    @Test("a line chart of one point draws its dot and its label")
    func lineOfOnePoint() throws {
        let svg = SVGChart.line(
            id: "l", title: "T", description: "D", points: [ChartPoint(label: "พ.ย. 69", value: 3)], format: { "\($0)" }
        )
        let polyline = try #require(try tags(svg, class: "line").first)
        #expect(try attribute("points", of: polyline)?.split(separator: " ").count == 1)
        #expect(try tags(svg, class: "dot").count == 1)
        #expect(try texts(svg, class: "label") == ["พ.ย. 69"])
    }

    @Test("a line chart of zeros lies on its baseline")
    func lineOfZeros() throws {
        let points = (0..<5).map { ChartPoint(label: "d\($0)", value: 0) }
        let svg = SVGChart.line(id: "l", title: "T", description: "D", points: points, format: { "\(Int($0))" })
        let ys = try tags(svg, class: "dot").map { try number("cy", of: $0) ?? -1 }
        #expect(ys.count == 5)
        #expect(Set(ys).count == 1)
        #expect(try texts(svg, class: "value") == ["0"])
    }
}
