import Domain
import Foundation
import Similarity
import Store

/// Duplicates in figures: by category and agency, how many open cases look like another (detected),
/// how many were merged into another, and how many "me too"s replaced a filing.
public struct DuplicateFigures: Sendable, Equatable {
    public var category: String
    public var agency: String?
    public var detected: Int
    public var merged: Int
    public var meToo: Int
}

extension DuplicateService {
    /// The figures, by category then agency. Detection groups every agency's open cases (`clusters`), which
    /// costs a search per open case: the answer is kept for a while (`DuplicateService.init`'s
    /// `figuresLifetime`), and after that the last one is given at once while it is computed again.
    public func figures() async throws -> [DuplicateFigures] {
        try await figuresCache.recent(key: 0) { [self] in try await computeFigures() }
    }

    private func computeFigures() async throws -> [DuplicateFigures] {
        @Sendable func key(_ category: String, _ agency: String?) -> String { category + "\u{1F}" + (agency ?? "") }
        // Minutes of CPU at a million open cases: on a thread of its own, not one of the pool's. Not at a
        // lower priority: each search holds the index's lock, which filings wait for.
        var rows = try await onOwnThread { [index] in
            var rows: [String: DuplicateFigures] = [:]
            for agency in index.agencies {
                for cluster in index.clusters(agency: agency) {
                    for id in cluster.ids {
                        guard let info = index.info(id: id) else { continue }
                        rows[key(info.category, agency), default: .init(category: info.category, agency: agency, detected: 0, merged: 0, meToo: 0)].detected += 1
                    }
                }
            }
            return rows
        }
        for count in try await store.duplicateCounts() {
            var row = rows[key(count.category, count.agency)] ?? .init(category: count.category, agency: count.agency, detected: 0, merged: 0, meToo: 0)
            row.merged += count.merged
            row.meToo += count.meToo
            rows[key(count.category, count.agency)] = row
        }
        return rows.values.sorted { ($0.category, $0.agency ?? "") < ($1.category, $1.agency ?? "") }
    }

    /// The figures as last computed, without waiting; nil until the first computation ends. Asking
    /// starts one in the background when they are no longer recent: with a million open cases a
    /// computation takes minutes, which a page must not wait for.
    public func latestFigures() -> [DuplicateFigures]? {
        figuresCache.latest(key: 0) { [self] in try await computeFigures() }
    }
}
