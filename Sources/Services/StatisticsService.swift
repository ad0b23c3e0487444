import Domain
public import Foundation
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
        func seconds(_ date: Date?) -> Int64? { date.map { Int64($0.timeIntervalSince1970.rounded(.down)) } }
        let state = record.state
        return CaseFacts(
            id: record.id, filedAt: seconds(record.filedAt)!, category: state.categoryCode, agency: state.agencyCode,
            provinceCode: record.area.provinceCode, districtCode: record.area.districtCode,
            subdistrictCode: record.area.subdistrictCode, status: state.status, kind: record.kind, channel: record.channel,
            acknowledgedAt: seconds(state.acknowledgedAt), firstAnsweredAt: seconds(state.firstAnsweredAt),
            resolvedAt: seconds(state.resolvedAt), acknowledgeDue: seconds(record.due.acknowledge)!,
            firstAnswerDue: seconds(record.due.firstAnswer)!, resolutionDue: seconds(record.due.resolution)!,
            reopenCount: state.reopenCount, rating: state.rating)
    }
}
