import Classification
import Foundation
import Testing
import ThaiText

@Suite("Classifier")
struct ClassifierTests {
    let taxonomy = Taxonomy(version: "test", categories: ["road", "lighting", "noise"])
    let keywords = [
        KeywordRule(category: "road", phrase: "หลุมบ่อ", weight: 3),
        KeywordRule(category: "lighting", phrase: "ไฟทางดับ", weight: 3),
        KeywordRule(category: "noise", phrase: "เสียงดัง", weight: 2),
    ]

    var examples: [TrainingExample] {
        let road = [
            "ถนนเป็นหลุมใหญ่มาก", "ถนนหน้าบ้านพังเป็นหลุม", "ยางมะตอยหลุดร่อนทั้งซอย", "ถนนทรุดเป็นแอ่ง รถตกหลุม",
            "ขอให้มาซ่อมถนนที่เป็นหลุมบ่อ", "ผิวถนนแตกร้าวยาวทั้งเส้น", "ถนนขรุขระมาก ขับรถลำบาก", "ขุดถนนแล้วไม่กลบ",
        ]
        let lighting = [
            "ไฟถนนดับทั้งซอย", "เสาไฟไม่ติดมาสามคืน", "ซอยมืดมาก ไฟทางเสีย", "หลอดไฟถนนกะพริบทั้งคืน",
            "ไฟส่องสว่างหน้าโรงเรียนดับ", "ขอติดไฟถนนเพิ่ม มืดเปลี่ยว", "ไฟทางดับหลายต้น", "โคมไฟถนนหัก ไฟไม่ติด",
        ]
        let noise = [
            "ข้างบ้านเปิดเพลงเสียงดังทุกคืน", "ไซต์ก่อสร้างตอกเสาเข็มตอนตีสอง", "ร้านคาราโอเกะร้องเพลงดังถึงเช้า",
            "รถแต่งท่อดังมากตอนดึก", "หมาเห่าทั้งคืนนอนไม่ได้", "เครื่องจักรโรงงานดังตลอดเวลา", "ลำโพงขายของดังมาก",
            "ปาร์ตี้เสียงดังทุกวันเสาร์",
        ]
        return road.map { TrainingExample(text: $0, category: "road") } + lighting.map { TrainingExample(text: $0, category: "lighting") }
            + noise.map { TrainingExample(text: $0, category: "noise") }
    }

    @Test("training twice on the same examples gives byte-identical model files")
    func deterministic() throws {
        let first = try ModelFile.encode(try Trainer().train(examples: examples, taxonomy: taxonomy, keywords: keywords))
        let second = try ModelFile.encode(try Trainer().train(examples: examples, taxonomy: taxonomy, keywords: keywords))
        #expect(first == second)
        let shuffledOrder = try ModelFile.encode(
            try Trainer().train(examples: examples.reversed().reversed(), taxonomy: taxonomy, keywords: keywords))
        #expect(first == shuffledOrder)
    }

    @Test("a model written to a file and read back predicts exactly as before")
    func roundTrip() throws {
        let model = try Trainer().train(examples: examples, taxonomy: taxonomy, keywords: keywords)
        let path = NSTemporaryDirectory() + "siang-model-\(UUID().uuidString).model"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.write(model, to: path)
        let loaded = try ModelFile.read(from: path)
        #expect(loaded.taxonomy == model.taxonomy)
        #expect(loaded.parameters == model.parameters)
        #expect(loaded.features == model.features)
        #expect(loaded.keywords == model.keywords)
        #expect(loaded.counts == model.counts)
        let before = try Classifier(model: model)
        let after = try Classifier(model: loaded)
        for text in ["ถนนหน้าวัดเป็นหลุมบ่อ", "ไฟทางดับมืดมาก", "เสียงดังตอนกลางคืน", "อะไรก็ไม่รู้"] {
            #expect(before.classify(text) == after.classify(text))
        }
    }

    @Test("damaged, truncated or foreign files are refused with a clear error")
    func badFiles() throws {
        let bytes = try ModelFile.encode(try Trainer().train(examples: examples, taxonomy: taxonomy, keywords: keywords))
        #expect(throws: ModelFile.ReadError.self) { try ModelFile.decode(Data("hello".utf8)) }
        #expect(throws: ModelFile.ReadError.self) { try ModelFile.decode(bytes.prefix(bytes.count - 5)) }
        #expect(throws: ModelFile.ReadError.self) { try ModelFile.decode(bytes + Data([0])) }
        var otherVersion = bytes
        otherVersion[8] = 99
        #expect(throws: ModelFile.ReadError.self) { try ModelFile.decode(otherVersion) }
    }

    @Test("predictions are the right category, with calibrated scores that sum to at most 1 over the top three")
    func predicts() throws {
        let classifier = try Classifier(model: try Trainer().train(examples: examples, taxonomy: taxonomy, keywords: keywords))
        #expect(classifier.classify("ถนนซอยนี้เป็นหลุมเยอะมาก").category == "road")
        #expect(classifier.classify("ไฟถนนไม่ติด มืดทั้งซอย").category == "lighting")
        #expect(classifier.classify("เปิดเพลงดังทั้งคืน").category == "noise")
        let prediction = classifier.classify("ถนนพังเป็นหลุม")
        #expect(prediction.top.count == 3)
        #expect(prediction.top.map(\.score).reduce(0, +) <= 1.000_001)
        #expect(prediction.top.allSatisfy { (0...1).contains($0.score) })
        #expect(prediction.top == prediction.top.sorted { $0.score > $1.score })
    }

    @Test("keyword rules pull a text towards their category")
    func keywords_() throws {
        var parameters = ClassifierParameters(smoothing: 0.3, keywordWeight: 0, temperature: 1)
        let plain = try Trainer(parameters: parameters).train(examples: examples, taxonomy: taxonomy, keywords: keywords)
        parameters.keywordWeight = 4
        let weighted = try Trainer(parameters: parameters).train(examples: examples, taxonomy: taxonomy, keywords: keywords)
        let text = "ตรงนี้มีหลุมบ่อ"
        let without = try Classifier(model: plain).classify(text)
        let with = try Classifier(model: weighted).classify(text)
        #expect(with.category == "road")
        #expect(with.top.first { $0.category == "road" }!.score > without.top.first { $0.category == "road" }?.score ?? 0)
    }

    @Test("labels outside the taxonomy, and an empty training set, are refused")
    func refusesBadTraining() {
        #expect(throws: TrainingError.self) {
            try Trainer().train(examples: [TrainingExample(text: "x", category: "cats")], taxonomy: taxonomy, keywords: [])
        }
        #expect(throws: TrainingError.self) { try Trainer().train(examples: [], taxonomy: taxonomy, keywords: []) }
    }

    @Test("corrections can be added to a model's counts without the original corpus")
    func incremental() throws {
        let model = try Trainer().train(examples: examples, taxonomy: taxonomy, keywords: keywords)
        var counts = model.counts
        let extractor = try FeatureExtractor(settings: model.features)
        counts.add(features: extractor.features(of: "ถนนมืดเป็นหลุม"), category: 0, weight: 3, binary: true)
        #expect(counts.documentCounts[0] == model.counts.documentCounts[0] + 3)
        let updated = ClassifierModel(
            taxonomy: model.taxonomy, features: model.features, parameters: model.parameters, keywords: model.keywords,
            counts: counts)
        #expect(try Classifier(model: updated).classify("ถนนมืดเป็นหลุม").category == "road")
    }
}

@Suite("Evaluation")
struct EvaluationTests {
    @Test("accuracy, per-category precision/recall/F1, macro-F1 and confusion counts are exact")
    func metrics() {
        let report = EvaluationReport(pairs: [
            ("road", "road"), ("road", "road"), ("road", "noise"), ("noise", "noise"), ("noise", "road"), ("lighting", "road"),
        ])
        #expect(report.examples == 6)
        #expect(report.accuracy == 0.5)
        #expect(report.confusion["road"] == ["road": 2, "noise": 1])
        let road = report.perCategory["road"]!
        #expect(road.support == 3)
        #expect(road.precision == 0.5)  // 2 of the 4 predicted road
        #expect(abs(road.recall - 2.0 / 3.0) < 1e-12)
        #expect(abs(road.f1 - 4.0 / 7.0) < 1e-12)
        #expect(report.perCategory["lighting"]!.f1 == 0)
        let expectedMacro = (4.0 / 7.0 + 0.5 + 0.0) / 3.0
        #expect(abs(report.macroF1 - expectedMacro) < 1e-12)
    }

    @Test("cross-validation scores every example exactly once, deterministically")
    func crossValidation() throws {
        let taxonomy = Taxonomy(version: "t", categories: ["a", "b"])
        let examples = (0..<20).map { TrainingExample(text: $0 % 2 == 0 ? "ถนนพัง \($0)" : "ไฟดับ \($0)", category: $0 % 2 == 0 ? "a" : "b") }
        let first = try Evaluator.crossValidate(examples: examples, taxonomy: taxonomy, keywords: [], trainer: Trainer(), folds: 5)
        let second = try Evaluator.crossValidate(examples: examples, taxonomy: taxonomy, keywords: [], trainer: Trainer(), folds: 5)
        #expect(first.examples == 20)
        #expect(first == second)
        #expect(first.accuracy == 1)
    }
}

@Suite("Calibration report")
struct CalibrationTests {
    @Test("bands group predictions by confidence and give their accuracy; the error is their weighted gap")
    func bands() throws {
        let report = EvaluationReport(
            pairs: [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")], confidences: [0.95, 0.95, 0.25, 0.25])
        let calibration = try #require(report.calibration)
        #expect(calibration.bands.map(\.count) == [2, 2])
        #expect(calibration.bands.map(\.accuracy) == [1.0, 0.5])
        // |1.0 − 0.25| × 2 + |0.5 − 0.95| × 2, over 4
        #expect(abs(calibration.expectedCalibrationError - 0.6) < 1e-9)
        let atHalf = try #require(calibration.thresholds.first { $0.threshold == 0.5 })
        #expect(atHalf.share == 0.5)
        #expect(atHalf.accuracy == 0.5)
    }
}
