import Testing
import ThaiText

@Suite("Place mentions across the country")
struct NationalGazetteerTests {
    let gazetteer = Gazetteer(entries: [
        .init(code: "10", level: .province, name: "กรุงเทพมหานคร", altNames: ["กทม", "กทม."]),
        .init(code: "1035", level: .district, name: "จอมทอง", parentCode: "10"),
        .init(code: "50", level: .province, name: "เชียงใหม่"),
        .init(code: "5002", level: .district, name: "จอมทอง", parentCode: "50"),
        .init(code: "5015", level: .district, name: "หางดง", parentCode: "50"),
        .init(code: "501501", level: .subdistrict, name: "หนองแก๋ว", parentCode: "5015", postcodes: ["50230"]),
        .init(code: "56", level: .province, name: "พะเยา"),
        .init(code: "5601", level: .district, name: "เมืองพะเยา", altNames: ["เมือง"], parentCode: "56"),
        .init(code: "5602", level: .district, name: "จุน", parentCode: "56"),
        .init(code: "560101", level: .subdistrict, name: "เวียง", parentCode: "5601", postcodes: ["56000"]),
        .init(code: "57", level: .province, name: "เชียงราย"),
        .init(code: "5701", level: .district, name: "เมืองเชียงราย", altNames: ["เมือง"], parentCode: "57"),
        .init(code: "570101", level: .subdistrict, name: "เวียง", parentCode: "5701", postcodes: ["57000"]),
    ])

    func codes(_ text: String, context: Set<String> = []) throws -> [String] {
        try gazetteer.mentions(in: text, tokenizer: ThaiTokenizer(), context: context).map(\.code)
    }

    @Test(
        "abbreviations, อำเภอเมือง and names settled by the province, a postcode or the area given",
        arguments: [
            ("ถนนพัง อ.เมือง จ.พะเยา", [String](), ["5601", "56"]),
            ("ไฟดับที่อำเภอเมืองเชียงราย", [], ["5701"]),
            ("น้ำไม่ไหล ต.เวียง อ.เมืองพะเยา", [], ["560101", "5601"]),
            ("น้ำไม่ไหล ต.เวียง จ.เชียงราย", [], ["570101", "57"]),
            ("ขยะเต็ม ต.เวียง 56000", [], ["560101"]),
            ("ขยะเต็ม ต.เวียง", ["57"], ["570101"]),
            ("ถนนพังแถวหางดง", [], ["5015"]),
            ("ถนนพังที่หนองแก๋ว หางดง", [], ["501501", "5015"]),
            ("อ.จุน จ.พะเยา ถนนพัง", [], ["5602", "56"]),
        ])
    func finds(text: String, context: [String], expected: [String]) throws {
        #expect(try codes(text, context: Set(context)) == expected)
    }

    @Test(
        "a shared name alone, อำเภอเมือง alone, a bare provincial subdistrict and a short everyday word are not guessed",
        arguments: ["ขยะเต็ม ต.เวียง", "ถนนพัง อ.เมือง", "ถนนพังที่หนองแก๋ว", "คนจุนเจือครอบครัว", "ลองไปดูสิ"])
    func ignores(text: String) throws {
        #expect(try codes(text) == [])
    }

    @Test("an ambiguous name is reported as such, with every place it could be")
    func reportsAmbiguity() throws {
        let units = Array("ขยะเต็ม ต.เวียง".utf16)
        let result = try units.withUnsafeBufferPointer { try gazetteer.places(inNormalized: $0, tokenizer: ThaiTokenizer()) }
        #expect(result.mentions.isEmpty)
        #expect(result.ambiguous.first?.codes.sorted() == ["560101", "570101"])
    }

    @Test("a name Bangkok shares with a province means Bangkok's unless the other province is named")
    func bangkokByDefault() throws {
        #expect(try codes("รถติดมากแถวจอมทอง") == ["1035"])
        #expect(try codes("ถนนพังที่จอมทอง เชียงใหม่") == ["5002", "50"])
    }
}
