import ArgumentParser
import Classification
import Foundation
import Setup
@testable import siang
import TestSupport
import Testing

@Suite("siang evaluate --labels")
struct EvaluateLabelsTests {
    /// Writes `contents` to a fresh temporary file and returns its path.
    func file(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evaluate-\(UUID().uuidString).csv").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Texts whose own label column is wrong on purpose: scoring must take the labels file's word.
    var texts: String {
        """
        ticket_id,description,category
        t1,ไฟฟ้าดับทั้งซอย หม้อแปลงระเบิด,road
        t2,ถนนเป็นหลุมบ่อ ยางมะตอยหลุดร่อน,electricity
        t3,"น้ำประปาไม่ไหลมาสามวันแล้ว, น้ำขุ่นมาก",road
        t4,ไม่มีป้ายกำกับ,road

        """
    }

    func evaluate(_ arguments: [String]) throws -> EvaluationReport {
        try EvaluateCommand.parse(arguments).report(home: TestDatabase.home)
    }

    @Test("scores against the labels file joined by id, leaving out texts without a label")
    func scoresByExternalLabels() throws {
        let input = try file(texts)
        let labels = try file("ticket_id,category\nt3,water_supply\nt1,electricity\nt2,road\n")
        let report = try evaluate(["--input", input, "--text-column", "description", "--labels", labels, "--id-column", "ticket_id"])
        #expect(report.examples == 3)
        #expect(report.accuracy == 1)
        #expect(report.perCategory["water_supply"]?.support == 1)
        // The input's own (wrong) labels give the opposite answer, so the join really decided.
        let byOwnLabels = try evaluate(["--input", input, "--text-column", "description"])
        #expect(byOwnLabels.examples == 4)
        #expect(byOwnLabels.accuracy == 0)
    }

    @Test("a label for an id the input does not have, or an id labelled twice, is refused")
    func refusesLabelsThatDoNotBelong() throws {
        let input = try file(texts)
        let stranger = try file("ticket_id,category\nt1,electricity\nzz9,road\n")
        #expect(throws: LabelledCSV.ReadError.self) {
            try evaluate(["--input", input, "--text-column", "description", "--labels", stranger])
        }
        let twice = try file("ticket_id,category\nt1,electricity\nt1,road\n")
        #expect(throws: LabelledCSV.ReadError.self) {
            try evaluate(["--input", input, "--text-column", "description", "--labels", twice])
        }
        let noIDs = try file("id,category\nt1,electricity\n")
        #expect(throws: LabelledCSV.ReadError.self) {
            try evaluate(["--input", input, "--text-column", "description", "--labels", noIDs])
        }
    }

    @Test("a category outside the taxonomy in the labels file is refused")
    func refusesUnknownCategories() throws {
        let input = try file(texts)
        let labels = try file("ticket_id,category\nt1,streetlamps\n")
        #expect(throws: (any Error).self) {
            try evaluate(["--input", input, "--text-column", "description", "--labels", labels])
        }
    }
}
