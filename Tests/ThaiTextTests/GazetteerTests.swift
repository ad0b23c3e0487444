import Testing
import ThaiText

@Suite("Place mentions")
struct GazetteerTests {
    let gazetteer = Gazetteer(entries: [
        .init(code: "10", level: .province, name: "กรุงเทพมหานคร", altNames: ["กรุงเทพ", "กรุงเทพฯ", "กทม", "กทม."]),
        .init(code: "14", level: .province, name: "พระนครศรีอยุธยา", altNames: ["อยุธยา"]),
        .init(code: "30", level: .province, name: "นครราชสีมา", altNames: ["โคราช"]),
        .init(code: "50", level: .province, name: "เชียงใหม่"),
        .init(code: "63", level: .province, name: "ตาก"),
        .init(code: "42", level: .province, name: "เลย"),
        .init(code: "1001", level: .district, name: "พระนคร", parentCode: "10"),
        .init(code: "1007", level: .district, name: "ปทุมวัน", parentCode: "10"),
        .init(code: "1038", level: .district, name: "ลาดพร้าว", parentCode: "10"),
        .init(code: "1047", level: .district, name: "บางนา", parentCode: "10"),
        .init(code: "1045", level: .district, name: "วังทองหลาง", parentCode: "10"),
        .init(code: "100701", level: .subdistrict, name: "รองเมือง", parentCode: "1007"),
        .init(code: "100704", level: .subdistrict, name: "ปทุมวัน", parentCode: "1007"),
        .init(code: "104701", level: .subdistrict, name: "บางนาเหนือ", parentCode: "1047"),
        .init(code: "100601", level: .subdistrict, name: "บางจาก", parentCode: "1006"),
        .init(code: "102201", level: .subdistrict, name: "บางจาก", parentCode: "1022"),
        .init(code: "1006", level: .district, name: "บางกะปิ", parentCode: "10"),
    ])

    func codes(_ text: String) throws -> [String] {
        try gazetteer.mentions(in: text, tokenizer: ThaiTokenizer()).map(\.code)
    }

    @Test(
        "names and abbreviations of provinces, districts and subdistricts are found",
        arguments: [
            ("ไฟดับที่เขตบางนามาสองวันแล้ว", ["1047"]),
            ("บ้านอยู่ จ.เชียงใหม่ ค่ะ", ["50"]),
            ("ถนนพังที่จังหวัดเชียงใหม่", ["50"]),
            ("น้ำท่วม กทม. ทุกปี", ["10"]),
            ("น้ำท่วมกรุงเทพฯ อีกแล้ว", ["10"]),
            ("แถวโคราชฝุ่นเยอะ", ["30"]),
            ("อยุธยาน้ำท่วม", ["14"]),
            ("ถนนในแขวงรองเมือง เขตปทุมวัน เป็นหลุม", ["100701", "1007"]),
            ("แขวงบางนาเหนือ เขตบางนา", ["104701", "1047"]),
            ("ที่ จ.ตาก ถนนพัง", ["63"]),
        ])
    func finds(text: String, expected: [String]) throws {
        #expect(try codes(text) == expected)
    }

    @Test(
        "road names, sois and everyday words are not places",
        arguments: [
            "ซอยลาดพร้าว 101 มีหลุมใหญ่",  // a soi named after the road
            "ลาดพร้าว 101 ไฟดับ",  // soi numbering without a marker
            "ถนนลาดพร้าวรถติดมาก",  // the road
            "ถ.บางนา-ตราด กม.5",  // the highway
            "ตากผ้าไว้หน้าบ้าน",  // ตาก = to dry
            "ไม่มีใครมาดูเลย",  // เลย = the particle
            "ไฟฟ้าดับบ่อยมาก",  // no place at all
        ])
    func ignores(text: String) throws {
        #expect(try codes(text) == [])
    }

    @Test("the longest name wins where names overlap")
    func longestWins() throws {
        #expect(try codes("จังหวัดพระนครศรีอยุธยา") == ["14"])
        #expect(try codes("เขตพระนคร") == ["1001"])
    }

    @Test("a name shared by a district and a subdistrict means the district unless แขวง is written")
    func districtByDefault() throws {
        #expect(try codes("สยามแถวปทุมวัน") == ["1007"])
        #expect(try codes("แขวงปทุมวัน") == ["100704"])
    }

    @Test("a subdistrict name in two districts is resolved by the district named beside it, else left out")
    func ambiguousSubdistrict() throws {
        #expect(try codes("แขวงบางจาก") == [])
        #expect(try codes("แขวงบางจาก เขตบางกะปิ") == ["100601", "1006"])
    }

    @Test("the mention's range and text are those of the normalised text, marker included")
    func ranges() throws {
        let mentions = try gazetteer.mentions(in: "ถนนพัง จ.เชียงใหม่", tokenizer: ThaiTokenizer())
        #expect(mentions.count == 1)
        #expect(mentions.first?.text == "จ.เชียงใหม่")
        #expect(mentions.first?.name == "เชียงใหม่")
        #expect(mentions.first?.level == .province)
    }

    @Test("each place is reported once")
    func once() throws {
        #expect(try codes("บางนา บางนา เขตบางนา") == ["1047"])
    }
}
