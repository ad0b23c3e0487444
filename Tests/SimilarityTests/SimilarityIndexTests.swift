import Similarity
import Testing
import ThaiText

@Suite struct SimilarityIndexTests {
    let index: SimilarityIndex

    init() throws {
        index = try SimilarityIndex()
        index.upsert(IndexedCase(id: 1, area: "1033", category: "lighting"), text: "ไฟทางเดินในซอยลาดพร้าว 101 ดับมาสามคืนแล้ว มืดมาก")
        index.upsert(IndexedCase(id: 2, area: "1033", category: "drainage"), text: "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าตลาด")
        index.upsert(IndexedCase(id: 3, area: "1033", category: "roads"), text: "ถนนเป็นหลุมใหญ่ หน้าโรงเรียน รถจักรยานยนต์ล้ม")
        index.upsert(IndexedCase(id: 4, area: "1044", category: "lighting"), text: "ไฟทางเดินในซอยลาดพร้าว 101 ดับมาสามคืนแล้ว มืดมาก")
    }

    @Test func differentWordingOfTheSameProblemFindsTheCaseWithTheWordsBothShare() {
        let matches = index.search(text: "ไฟในซอยลาดพร้าว 101 ไม่ติด ดับหมดเลย มืด", area: "1033")
        #expect(matches.first?.id == 1)
        #expect(matches.first?.sharedWords.contains("ลาดพร้าว") == true)
    }

    @Test func theSameWordsAboutAnotherSoiRankBelowTheSameSoi() throws {
        let sois = try SimilarityIndex()
        sois.upsert(IndexedCase(id: 1, area: "1", category: "x"), text: "ไฟทางในซอยลาดพร้าว 101 ดับ มืดมาก")
        sois.upsert(IndexedCase(id: 2, area: "1", category: "x"), text: "ไฟทางในซอยลาดพร้าว 71 ดับ มืดมาก")
        let matches = sois.search(text: "ซอยลาดพร้าว 71 ไฟทางดับหมด มืด", area: "1")
        #expect(matches.first?.id == 2)
        #expect(matches.count < 2 || matches[0].score > matches[1].score)
    }

    @Test func anotherProblemAtTheSamePlaceIsWeighedDownByTheOtherCategoryFactorAndTheSameProblemIsNot() throws {
        let market = try SimilarityIndex()
        market.upsert(IndexedCase(id: 1, area: "1", category: "noise"), text: "ร้านเหล้าหน้าตลาดบางกะปิ เปิดเพลงดังทั้งคืน")
        market.upsert(IndexedCase(id: 2, area: "1", category: "lighting"), text: "ไฟทางหน้าตลาดบางกะปิ ดับทั้งคืน มืดมาก")
        let question = "หน้าตลาดบางกะปิ ไฟดับทั้งคืน มืดจนมองไม่เห็นทาง"
        let plain = market.search(text: question, area: "1", minimumScore: 0.0001)
        let plainScores = Dictionary(uniqueKeysWithValues: plain.map { ($0.id, $0.score) })
        let sure = CategoryBelief(["lighting": 0.8, "electricity": 0.15, "noise": 0.05])
        let weighed = market.search(text: question, area: "1", category: sure, minimumScore: 0.0001)
        let weighedScores = Dictionary(uniqueKeysWithValues: weighed.map { ($0.id, $0.score) })
        #expect(weighed.first?.id == 2)
        #expect(weighedScores[2] == plainScores[2])
        // noise has 1/16 of lighting's probability: 0.25 + 0.75 × √(1/16) of its words' score.
        let noise = try #require(plainScores[1])
        #expect(abs(try #require(weighedScores[1]) - noise * (0.25 + 0.75 * 0.25)) < 1e-5)
    }

    @Test func aCategoryBeliefAgreesFullyWithItsLikeliestCategoryAndNotAtAllWithOnesItDoesNotName() {
        let belief = CategoryBelief(["drainage": 0.6, "flooding": 0.3])
        #expect(belief.agreement(with: "drainage") == 1)
        #expect(belief.agreement(with: "flooding") == 0.5)
        #expect(belief.agreement(with: "noise") == 0)
        #expect(CategoryBelief(["noise": 1]).agreement(with: "noise") == 1)
        #expect(CategoryBelief([:]).agreement(with: "noise") == 1)
    }

    @Test func aCategoryChosenOnTheFormCountsAsMuchAsTheLikeliestAndTheClassifiersOthersKeepTheirShare() {
        let chosen = CategoryBelief(["lighting": 0.6, "electricity": 0.3]).choosing("roads")
        #expect(chosen.agreement(with: "roads") == 1)
        #expect(chosen.agreement(with: "lighting") == 1)
        #expect(chosen.agreement(with: "electricity") == 0.5)
        #expect(CategoryBelief([:]).choosing("roads").agreement(with: "lighting") == 0)
    }

    @Test func casesComparedWithEachOtherIgnoreCategoriesSoAMisfiledDuplicateIsStillFound() throws {
        let lane = try SimilarityIndex()
        lane.upsert(IndexedCase(id: 1, area: "1", category: "lighting", agency: "bma"), text: "ไฟทางในซอยลาดพร้าว 101 ดับ มืดมาก")
        lane.upsert(IndexedCase(id: 2, area: "1", category: "electricity", agency: "bma"), text: "ไฟทางในซอยลาดพร้าว 101 ดับ มืดมาก")
        let found = try #require(lane.similar(to: 1).first)
        #expect(found.id == 2)
        #expect(abs(found.score - 1) < 1e-5)
        #expect(lane.clusters(agency: "bma").map(\.ids) == [[1, 2]])
    }

    @Test func aCaseThatLeftIsNeverFoundThroughTheSlotAnotherCaseNowUses() throws {
        let reused = try SimilarityIndex()
        reused.upsert(IndexedCase(id: 10, area: "1", category: "lighting"), text: "ไฟทางเดินในซอยลาดพร้าว 101 ดับมาสามคืนแล้ว มืดมาก")
        reused.remove(id: 10)
        reused.upsert(IndexedCase(id: 11, area: "1", category: "drainage"), text: "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าตลาด")
        #expect(reused.search(text: "ไฟทางเดินในซอยลาดพร้าว 101 ดับ มืดมาก", area: "1").isEmpty)
        #expect(reused.search(text: "ท่อระบายน้ำอุดตัน น้ำท่วมขัง", area: "1").map(\.id) == [11])
        #expect(reused.count == 1)
    }

    @Test func scoresAreTheCosinesOfTheTextsTFIDFVectorsWithWordsNoCaseHoldsCountedInTheQuery() throws {
        let texts = ["ขยะไม่มีคนเก็บ เหม็นมาก", "ท่อระบายน้ำอุดตัน น้ำท่วมขัง", "ไฟทางดับ มืดมาก ไม่มีใครมาซ่อม"]
        let queries = ["ขยะ เหม็น ไม่มีคนมาเก็บเลย สกปรก แมลงวันตอม", "น้ำท่วมขัง ท่ออุดตัน ยุงเยอะ"]
        let features = try TextFeatures()
        // Without place words the index's score is the plain cosine (no place factor, no category asked about).
        for text in texts + queries { #expect(features.terms(of: text).allSatisfy { !$0.isPlace }, "\(text)") }
        let index = try SimilarityIndex()
        var frequencies = DocumentFrequencies()
        for (offset, text) in texts.enumerated() {
            index.upsert(IndexedCase(id: Int64(offset + 1), area: "1", category: "x"), text: text)
            frequencies.add(features.terms(of: text).map(\.hash))
        }
        for query in queries {
            let expected = features.vector(of: query, frequencies: frequencies)
            let matches = index.search(text: query, area: "1", limit: 3, minimumScore: 0.0001)
            #expect(!matches.isEmpty)
            for match in matches {
                let cosine = expected.cosine(with: features.vector(of: texts[Int(match.id) - 1], frequencies: frequencies))
                #expect(abs(match.score - cosine) < 1e-5, "\(query) → case \(match.id): \(match.score) against \(cosine)")
            }
        }
    }

    @Test func termsOfACaseThatLeftGiveTheirNumbersToNewTermsAndAnswersStayThoseOfAFreshIndex() throws {
        let lighting = "ไฟทางเดินในซอยลาดพร้าว 101 ดับมาสามคืนแล้ว มืดมาก"
        let rubbish = "ขยะไม่มีคนเก็บมาสองอาทิตย์ หน้าตลาด เหม็นมาก"
        let drains = "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าตลาด"
        let reused = try SimilarityIndex()
        reused.upsert(IndexedCase(id: 1, area: "1", category: "lighting"), text: lighting)
        reused.upsert(IndexedCase(id: 2, area: "1", category: "waste"), text: rubbish)
        reused.remove(id: 1)
        // Its terms no case holds any more: their numbers go to the new case's terms.
        reused.upsert(IndexedCase(id: 3, area: "1", category: "drainage"), text: drains)
        let fresh = try SimilarityIndex()
        fresh.upsert(IndexedCase(id: 2, area: "1", category: "waste"), text: rubbish)
        fresh.upsert(IndexedCase(id: 3, area: "1", category: "drainage"), text: drains)
        for query in [lighting, "ขยะไม่มีคนเก็บ เหม็น หน้าตลาด", "ท่ออุดตัน น้ำท่วมขัง หน้าตลาด"] {
            #expect(reused.search(text: query, area: "1") == fresh.search(text: query, area: "1"), "\(query)")
        }
        #expect(reused.search(text: lighting, area: "1").isEmpty)
        let found = reused.search(text: "ท่ออุดตัน น้ำท่วมขัง หน้าตลาด", area: "1")
        #expect(found.first?.id == 3 && found.first?.sharedWords.contains("ท่อ") == true, "\(found)")
        #expect(reused.similar(to: 3) == fresh.similar(to: 3))
    }

    @Test func aCaseMovedToAnotherAreaIsFoundOnlyThere() {
        index.upsert(IndexedCase(id: 2, area: "1044", category: "drainage"), text: "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าตลาด")
        #expect(!index.search(text: "ท่อระบายน้ำอุดตัน น้ำท่วมขัง", area: "1033").contains { $0.id == 2 })
        #expect(index.search(text: "ท่อระบายน้ำอุดตัน น้ำท่วมขัง", area: "1044").first?.id == 2)
    }

    @Test func scoresAfterCasesCameAndWentAreThoseOfAnIndexBuiltAfresh() throws {
        let texts = [
            "ไฟทางเดินในซอยลาดพร้าว 101 ดับมาสามคืนแล้ว มืดมาก", "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าตลาด",
            "ถนนเป็นหลุมใหญ่ หน้าโรงเรียน รถจักรยานยนต์ล้ม", "ขยะไม่มีคนเก็บมาสองอาทิตย์ หน้าตลาด เหม็นมาก",
            "ไฟฟ้าดับทั้งซอยลาดพร้าว 101 หม้อแปลงระเบิด",
        ]
        let churned = try SimilarityIndex()
        let fresh = try SimilarityIndex()
        for round in 0..<3 {
            for (offset, text) in texts.enumerated() {
                churned.upsert(IndexedCase(id: Int64(100 * round + offset), area: "1", category: "x"), text: text)
            }
            if round < 2 { for offset in texts.indices { churned.remove(id: Int64(100 * round + offset)) } }
        }
        for (offset, text) in texts.enumerated() {
            fresh.upsert(IndexedCase(id: Int64(200 + offset), area: "1", category: "x"), text: text)
        }
        for text in texts {
            let a = churned.search(text: text, area: "1", limit: 5)
            let b = fresh.search(text: text, area: "1", limit: 5)
            #expect(a.map(\.score) == b.map(\.score) && a.map(\.id) == b.map(\.id))
        }
    }

    @Test func aTermFoundMoreThan127TimesWeighsAs127() throws {
        let capped = try SimilarityIndex()
        let many = String(repeating: "ขยะ ", count: 200) + "หน้าตลาด"
        // 130 times: every term of the run, the character n-grams across its words too, at least 127 times.
        let enough = String(repeating: "ขยะ ", count: 130) + "หน้าตลาด"
        capped.upsert(IndexedCase(id: 1, area: "1", category: "x"), text: many)
        capped.upsert(IndexedCase(id: 2, area: "1", category: "x"), text: enough)
        let scores = capped.search(text: "ขยะ หน้าตลาด", area: "1", limit: 2)
        #expect(scores.count == 2 && scores[0].score == scores[1].score, "the two read as the same text: \(scores)")
    }

    @Test func theSameIndexAnswersTheSameWay() {
        let query = "ไฟดับในซอยลาดพร้าว 101"
        #expect(index.search(text: query, area: "1033") == index.search(text: query, area: "1033"))
    }

    @Test func anotherAreaIsNeverAMatch() {
        let matches = index.search(text: "ไฟทางเดินในซอยลาดพร้าว 101 ดับ", area: "1033")
        #expect(!matches.contains { $0.id == 4 })
    }

    @Test func coordinatesFarApartAreNotTheSameProblem() throws {
        let near = try SimilarityIndex()
        near.upsert(IndexedCase(id: 7, area: "1", latitude: 13.80, longitude: 100.60, category: "x"), text: "ท่อระบายน้ำอุดตัน")
        #expect(near.search(text: "ท่อระบายน้ำอุดตัน", area: "1", latitude: 13.801, longitude: 100.60).map(\.id) == [7])
        #expect(near.search(text: "ท่อระบายน้ำอุดตัน", area: "1", latitude: 13.90, longitude: 100.60).isEmpty)
    }

    @Test func aRemovedCaseIsNoLongerFound() {
        index.remove(id: 2)
        #expect(index.search(text: "ท่อระบายน้ำอุดตัน น้ำท่วมขัง", area: "1033").isEmpty)
        #expect(index.count == 3)
    }

    @Test func aCatchUpFromAnOlderSnapshotLeavesCasesChangedLiveMeanwhileAsTheyAre() {
        index.beginCatchUp()
        // Live, while the catch-up reads: case 5 filed, case 2 closed, case 3 moved to another category.
        index.upsert(IndexedCase(id: 5, area: "1033", category: "noise"), text: "เสียงเพลงดังจากร้านเหล้าทุกคืน")
        index.remove(id: 2)
        index.upsert(IndexedCase(id: 3, area: "1033", category: "sidewalk"), text: "ทางเท้าพังหน้าโรงเรียน")
        // The snapshot, older: case 2 still open, case 3 as it was, case 5 not yet there.
        index.upsertFromSnapshot(IndexedCase(id: 2, area: "1033", category: "drainage"), text: "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าตลาด")
        index.upsertFromSnapshot(IndexedCase(id: 3, area: "1033", category: "roads"), text: "ถนนเป็นหลุมใหญ่ หน้าโรงเรียน รถจักรยานยนต์ล้ม")
        index.endCatchUp(keeping: [1, 2, 3])
        #expect(index.info(of: 5)?.category == "noise")
        #expect(index.info(of: 2) == nil)
        #expect(index.info(of: 3)?.category == "sidewalk")
        // Case 4 was in neither the snapshot nor the live changes: closed while nobody followed.
        #expect(index.info(of: 4) == nil)
        #expect(index.info(of: 1) != nil)
    }

    @Test func removingACaseLeavesTheOthersOfItsAreaAsIfItHadNeverBeenThere() throws {
        let text = "ท่อระบายน้ำอุดตัน น้ำท่วมขังหน้าตลาด"
        let both = try SimilarityIndex()
        both.upsert(IndexedCase(id: 1, area: "1", category: "drainage"), text: text)
        both.upsert(IndexedCase(id: 2, area: "1", category: "drainage"), text: "ท่อระบายน้ำอุดตันหน้าตลาดสด")
        both.remove(id: 2)
        let alone = try SimilarityIndex()
        alone.upsert(IndexedCase(id: 1, area: "1", category: "drainage"), text: text)
        let query = "น้ำท่วมขังเพราะท่ออุดตัน หน้าตลาด"
        #expect(!both.search(text: query, area: "1").isEmpty)
        #expect(both.search(text: query, area: "1") == alone.search(text: query, area: "1"))
        both.remove(id: 1)
        #expect(both.search(text: text, area: "1").isEmpty && both.count == 0)
    }

    @Test func aCharacterNGramIsKeyedByTheHashOfItsLetters() throws {
        let terms = try TextFeatures().terms(of: "ท่อตัน")
        let letters = Array("ท่อตัน".unicodeScalars)
        let expected = (0...(letters.count - 3)).map { start in
            FeatureHash.hash(String(String.UnicodeScalarView(letters[start..<(start + 3)])), seed: 0x5349_4D43)
        }
        #expect(terms.filter { $0.kind == .characters }.map(\.hash) == expected)
    }

    @Test func theCosineOfAVectorWithItselfIsOneAndWithAnUnrelatedTextNearZero() throws {
        let features = try TextFeatures()
        var df = DocumentFrequencies()
        let texts = ["ไฟดับทั้งซอย", "ขยะไม่มีคนเก็บ ส่งกลิ่นเหม็น", "สุนัขจรจัดกัดคน"]
        for text in texts { df.add(features.terms(of: text).map(\.hash)) }
        let a = features.vector(of: texts[0], frequencies: df)
        let b = features.vector(of: texts[1], frequencies: df)
        #expect(abs(a.cosine(with: a) - 1) < 0.0001)
        #expect(TermVector.cosine(a, b) < 0.05)
    }

    @Test func clustersJoinCasesOfOneAgencyAboutOneProblem() throws {
        let clusters = try SimilarityIndex()
        let texts = [
            "ท่อระบายน้ำหน้าตลาดบางกะปิอุดตัน น้ำท่วมขัง", "น้ำท่วมขังหน้าตลาดบางกะปิ ท่อระบายน้ำตัน",
            "หน้าตลาดบางกะปิ ท่อระบายน้ำอุดตันอีกแล้ว น้ำขัง", "ต้นไม้ล้มขวางถนน",
        ]
        for (offset, text) in texts.enumerated() {
            clusters.upsert(IndexedCase(id: Int64(offset + 1), area: "1", category: "x", agency: "bkk"), text: text)
        }
        let found = clusters.clusters(agency: "bkk")
        #expect(found.map(\.ids) == [[1, 2, 3]])
        #expect(clusters.clusters(agency: "other").isEmpty)
    }
}
