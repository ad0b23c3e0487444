import Domain
import Statistics
import Testing

@Suite("Live statistics")
struct LiveStatisticsTests {
    func facts(_ id: Int64, status: CaseStatus = .assigned) -> CaseFacts {
        let filed: Int64 = 1_796_000_000
        return CaseFacts(
            id: id, filedAt: filed, category: "road", agency: "bma-district-1047", provinceCode: "10", districtCode: "1047",
            subdistrictCode: nil, status: status, kind: .complaint, channel: "web", acknowledgedAt: nil, firstAnsweredAt: nil,
            resolvedAt: nil, acknowledgeDue: filed + 3 * 86_400, firstAnswerDue: filed + 15 * 86_400,
            resolutionDue: filed + 30 * 86_400, reopenCount: 0, rating: nil)
    }

    @Test("while a question reads the facts, changes wait for it (at most the patience) and count once it is done")
    func changesWaitForReaders() {
        let live = LiveStatistics()
        live.post(facts(1))
        #expect(live.apply() == 1)
        live.read { columns in
            live.post(facts(2))
            live.post(facts(1, status: .resolved))
            // Applied now, they would copy the columns this reader shares.
            #expect(live.applyUnlessRead() == 0)
            #expect(live.read { $0.count } == 1 && columns.count == 1)
            // Held back longer than the patience: applied all the same, in the order posted.
            #expect(live.applyUnlessRead(patience: .zero) == 2)
            #expect(live.read { $0.count } == 2)
            #expect(columns.count == 1, "the reader's own columns do not change under it")
        }
        live.post(facts(3))
        #expect(live.applyUnlessRead() == 1)
        // A question that begins with no other reading takes what waits first, applied in place.
        live.post(facts(4))
        #expect(live.read { $0.count } == 4)
        // A question that fails still stops holding changes back.
        struct Failed: Error {}
        #expect(throws: Failed.self) { try live.read { _ in throw Failed() } }
        live.post(facts(5))
        #expect(live.applyUnlessRead() == 1)
        let columns = live.read { $0 }
        #expect(columns.count == 5)
        let resolved = StatisticsEngine.figures(columns, query: StatisticsQuery(), now: 1_796_100_000).first?.resolved
        #expect(resolved == 1)
    }
}
