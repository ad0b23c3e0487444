import Classification
import Testing
import ThaiText

@Suite("Secondary categories")
struct SecondaryCategoryTests {
    let taxonomy = Taxonomy(version: "test", categories: ["road", "lighting", "noise", "other"])
    let keywords = [
        KeywordRule(category: "road", phrase: "หลุมบ่อ", weight: 3),
        KeywordRule(category: "lighting", phrase: "ไฟทางดับ", weight: 3),
        KeywordRule(category: "noise", phrase: "เสียงดัง", weight: 2),
    ]

    var examples: [TrainingExample] {
        let texts: [(String, [String])] = [
            ("road", ["ถนนเป็นหลุมใหญ่มาก", "ถนนหน้าบ้านพังเป็นหลุม", "ยางมะตอยหลุดร่อนทั้งซอย", "ถนนทรุดเป็นแอ่ง รถตกหลุม",
                      "ขอให้มาซ่อมถนนที่เป็นหลุมบ่อ", "ผิวถนนแตกร้าวยาวทั้งเส้น"]),
            ("lighting", ["ไฟถนนดับทั้งซอย", "เสาไฟไม่ติดมาสามคืน", "ซอยมืดมาก ไฟทางเสีย", "หลอดไฟถนนกะพริบทั้งคืน",
                          "ไฟส่องสว่างหน้าโรงเรียนดับ", "ไฟทางดับหลายต้น"]),
            ("noise", ["ข้างบ้านเปิดเพลงเสียงดังทุกคืน", "ไซต์ก่อสร้างตอกเสาเข็มตอนตีสอง", "ร้านคาราโอเกะร้องเพลงดังถึงเช้า",
                       "รถแต่งท่อดังมากตอนดึก", "หมาเห่าทั้งคืนนอนไม่ได้", "ลำโพงขายของดังมาก"]),
            ("other", ["ขอชมเจ้าหน้าที่ที่บริการดี", "สอบถามเวลาทำการของสำนักงานเขต", "อยากเสนอให้มีกิจกรรมในชุมชน"]),
        ]
        return texts.flatMap { category, texts in texts.map { TrainingExample(text: $0, category: category) } }
    }

    func classifier(threshold: Double?) throws -> Classifier {
        var parameters = ClassifierParameters(smoothing: 0.3, keywordWeight: 1, temperature: 3)
        parameters.secondaryThreshold = threshold
        let model = try Trainer(parameters: parameters).train(examples: examples, taxonomy: taxonomy, keywords: keywords)
        return try Classifier(model: model)
    }

    @Test("a text naming two problems gets the second in `also`; a text naming one gets none")
    func twoProblems() throws {
        let classifier = try classifier(threshold: nil)
        let both = classifier.classify("ถนนเป็นหลุมบ่อ รถตกหลุม และไฟทางดับทั้งซอย มืดมาก")
        #expect(Set([both.category] + both.also.map(\.category)) == ["road", "lighting"])
        #expect(both.also.allSatisfy { $0.score >= ClassifierParameters.defaultSecondaryThreshold && $0.score <= both.confidence })
        let one = classifier.classify("ถนนเป็นหลุมใหญ่มาก รถตกหลุม ขอให้มาซ่อมถนน")
        #expect(one.category == "road")
        #expect(one.also.isEmpty)
    }

    @Test("the model's threshold decides: above every runner-up nothing is named; at zero the runners-up are, never `other`")
    func threshold() throws {
        let text = "ถนนเป็นหลุมบ่อ และไฟทางดับทั้งซอย"
        #expect(try classifier(threshold: 1).classify(text).also.isEmpty)
        let everything = try classifier(threshold: 0).classify(text)
        #expect(!everything.also.isEmpty)
        #expect(everything.also == Array(everything.top.dropFirst().filter { $0.category != "other" }))
    }

    @Test("the threshold is kept in the model file, and files without one read as the default")
    func storedInModelFile() throws {
        let model = try classifier(threshold: 0.37).model
        #expect(try ModelFile.decode(try ModelFile.encode(model)).parameters.secondaryThreshold == 0.37)
        #expect(try ModelFile.decode(try ModelFile.encode(try classifier(threshold: nil).model)).parameters.secondaryThreshold == nil)
    }
}
