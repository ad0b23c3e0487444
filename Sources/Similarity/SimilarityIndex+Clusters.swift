import Synchronization

/// A group of open cases that look like one problem.
public struct SimilarityCluster: Sendable, Hashable {
    /// Members, oldest (smallest id) first: the first is the natural main case.
    public var ids: [Int64]
    /// Words most of the members share, the strongest first.
    public var sharedWords: [String]
}

extension SimilarityIndex {
    /// Groups of the indexed cases held by `agency` that look like one problem: cases linked when
    /// their cosine reaches `limits.clusterScore` (same area, and near when both have coordinates),
    /// linked cases joined transitively. Largest first, then by oldest member; single cases left out.
    public func clusters(agency: String, minimumSize: Int = 2) -> [SimilarityCluster] {
        let ids = state.withLock { state in
            state.allDocuments.filter { $0.info.agency == agency }.map(\.info.id).sorted()
        }
        var parent = Dictionary(uniqueKeysWithValues: ids.map { ($0, $0) })
        func root(_ id: Int64) -> Int64 {
            var id = id
            while let up = parent[id], up != id { id = up }
            return id
        }
        var words: [Int64: [String]] = [:]
        for id in ids {
            for match in similar(to: id, limit: 20, minimumScore: limits.clusterScore) where parent[match.id] != nil {
                let (a, b) = (root(id), root(match.id))
                if a != b { parent[max(a, b)] = min(a, b) }
                if words[min(id, match.id)] == nil { words[min(id, match.id)] = match.sharedWords }
            }
        }
        var groups: [Int64: [Int64]] = [:]
        for id in ids { groups[root(id), default: []].append(id) }
        return groups.values.filter { $0.count >= minimumSize }
            .map { members in
                SimilarityCluster(ids: members, sharedWords: Self.commonWords(members.compactMap { words[$0] }))
            }
            .sorted { $0.ids.count != $1.ids.count ? $0.ids.count > $1.ids.count : $0.ids[0] < $1.ids[0] }
    }

    /// Words found in the most of the members' pairwise explanations, ties in first-seen order.
    static func commonWords(_ lists: [[String]]) -> [String] {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for list in lists {
            for word in list {
                if counts[word] == nil { order.append(word) }
                counts[word, default: 0] += 1
            }
        }
        return Array(order.enumerated().sorted { counts[$0.element]! != counts[$1.element]! ? counts[$0.element]! > counts[$1.element]! : $0.offset < $1.offset }.map(\.element).prefix(8))
    }
}

extension SimilarityIndex {
    /// Agencies holding indexed cases, sorted.
    public var agencies: [String] {
        state.withLock { Set($0.allDocuments.compactMap(\.info.agency)).sorted() }
    }

    /// The category and agency of an indexed case.
    public func info(id: Int64) -> IndexedCase? {
        state.withLock { $0.document(id)?.info }
    }

    /// Approximate bytes the index holds (documents, posting lists, the term table, labels): what the
    /// README states at a million cases. Counts payloads and a fixed overhead per collection entry.
    public var approximateBytes: Int {
        state.withLock { state in
            var bytes = 0
            // Documents sit inline in their slots: a free slot costs a whole one.
            bytes += state.freeSlots.count * (MemoryLayout<Document?>.stride + 4) + state.slots.count * 16
            for document in state.allDocuments {
                bytes += 96 + document.info.area.utf8.count + document.info.category.utf8.count
                bytes += (document.terms.count + document.placeTerms.count) * 5 + 64
            }
            for area in state.postings.values {
                for list in area.values { bytes += 44 + list.count * 4 }
            }
            bytes += state.terms.approximateBytes
            for agency in state.agencies { bytes += 32 + agency.utf8.count }
            for label in state.labels.values { bytes += 40 + label.utf8.count }
            return bytes
        }
    }
}
