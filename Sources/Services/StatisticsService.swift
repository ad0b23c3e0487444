import Domain
import Foundation
public import Statistics
public import Store

/// Keeps the in-memory statistics current: a full load from the database at start and every
/// so often (for changes made by other processes), and each change this process commits as
/// it happens.
public final class StatisticsService: Sendable {
    public let live: LiveStatistics
    public let store: StatisticsStore

    public init(store: StatisticsStore, live: LiveStatistics = LiveStatistics()) {
        self.store = store
        self.live = live
    }

    /// Reloads every case's facts from the database.
    public func reload() async throws {
        live.replace(with: try await store.loadFacts())
    }

    /// Counts a case as it now is (call after the change committed).
    public func record(_ record: CaseRecord) {
        live.post(Self.facts(of: record))
    }

    static func facts(of record: CaseRecord) -> CaseFacts {
        facts(
            id: record.id, filedAt: record.filedAt, kind: record.kind, channel: record.channel, area: record.area,
            due: record.due, state: record.state)
    }

    /// The facts of a generated case (`siang demo`, `siang bench stats`), numbered `id`.
    public static func facts(of generated: BulkCase, id: Int64) -> CaseFacts {
        facts(
            id: id, filedAt: generated.filedAt, kind: generated.kind, channel: generated.channel, area: generated.area,
            due: generated.due, state: generated.state)
    }

    static func facts(
        id: Int64, filedAt: Date, kind: CaseKind, channel: String, area: CaseArea, due: DueDates, state: CaseState
    ) -> CaseFacts {
        func seconds(_ date: Date?) -> Int64? { date.map { Int64($0.timeIntervalSince1970.rounded(.down)) } }
        return CaseFacts(
            id: id, filedAt: seconds(filedAt)!, category: state.categoryCode, agency: state.agencyCode,
            provinceCode: area.provinceCode, districtCode: area.districtCode, subdistrictCode: area.subdistrictCode,
            status: state.status, kind: kind, channel: channel, acknowledgedAt: seconds(state.acknowledgedAt),
            firstAnsweredAt: seconds(state.firstAnsweredAt), resolvedAt: seconds(state.resolvedAt),
            acknowledgeDue: seconds(due.acknowledge)!, firstAnswerDue: seconds(due.firstAnswer)!,
            resolutionDue: seconds(due.resolution)!, reopenCount: state.reopenCount, rating: state.rating)
    }
}
