public import Domain
public import Foundation
public import Postgres

/// A generated proposal and how many supports it gets, for `siang demo --proposals`.
public struct BulkProposal: Sendable {
    public var record: ProposalRecord
    /// The supports to generate: spread between publication and the end of its support period (or now).
    public var supportCount: Int

    public init(record: ProposalRecord, supportCount: Int) {
        self.record = record
        self.supportCount = supportCount
    }
}

/// Loads generated proposals and their supports with COPY (for demos and benchmarks).
public struct ProposalBulkLoader: Sendable {
    let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Indexes of supports dropped while an empty table is filled and built after: building them once
    /// is far quicker than keeping them up to date row by row.
    static let supportIndexes = [
        ("proposal_supports_burst", "CREATE INDEX proposal_supports_burst ON proposal_supports (proposal_id, network, created_at)"),
        ("proposal_supports_flagged", "CREATE INDEX proposal_supports_flagged ON proposal_supports (proposal_id, id) WHERE state = 'flagged'"),
        ("proposal_supports_month", "CREATE INDEX proposal_supports_month ON proposal_supports (created_at) WHERE state = 'counted'"),
    ]

    /// How many proposals are stored (generated codes continue after them).
    public func existingCount() async throws -> Int {
        try await pool.withConnection(idempotent: true) { try $0.query("SELECT count(*) FROM proposals").first!.int(0) }
    }

    /// Loads the proposals `next` produces (nil when done) and their supports, ids reserved up front,
    /// in one transaction; returns how many proposals and supports.
    /// - Parameter random: fills supporters' and networks' hashes (demo supporters are nobody).
    public func load(
        count: Int, at now: Date, next: @escaping @Sendable () -> [BulkProposal]?,
        random: @escaping @Sendable (inout [UInt8]) -> Void
    ) async throws -> (proposals: Int, supports: Int) {
        try await pool.withConnection { connection in
            try connection.execute("SET synchronous_commit = off")
            return try connection.inTransaction { connection in
                var nextID = Int64(
                    try connection.query(
                        "SELECT setval('proposals_id_seq', (SELECT coalesce(max(id), 0) FROM proposals) + $1) - $1 + 1",
                        [count]
                    ).first!.int(0))
                let emptySupports = try connection.query("SELECT NOT EXISTS (SELECT 1 FROM proposal_supports)").first!.bool(0)
                if emptySupports {
                    for (name, _) in Self.supportIndexes { try connection.execute("DROP INDEX IF EXISTS \(name)") }
                }
                var pending: [(id: Int64, proposal: BulkProposal)] = []
                var loaded = 0
                _ = try connection.copyIn(Self.copyProposals) {
                    guard let batch = next(), !batch.isEmpty else { return nil }
                    var rows = CopyWriter(capacity: batch.count * 900)
                    for proposal in batch {
                        Self.append(proposal.record, id: nextID, to: &rows)
                        pending.append((nextID, proposal))
                        nextID += 1
                    }
                    loaded += batch.count
                    return rows.bytes
                }
                var supports = 0
                var index = 0
                var hash = [UInt8](repeating: 0, count: 32)
                var network = [UInt8](repeating: 0, count: 16)
                _ = try connection.copyIn(
                    "COPY proposal_supports (proposal_id, supporter, network, created_at, state) FROM STDIN"
                ) {
                    var rows = CopyWriter(capacity: 1 << 20)
                    while index < pending.count, rows.bytes.count < 1 << 20 {
                        let (id, proposal) = pending[index]
                        index += 1
                        guard let from = proposal.record.publishedAt else { continue }
                        let until = min(now, proposal.record.routedAt ?? proposal.record.closesAt ?? now)
                        let span = max(1, until.timeIntervalSince(from))
                        for n in 0..<proposal.supportCount {
                            random(&hash)
                            random(&network)
                            rows.integer(id)
                            rows.raw("\\\\x")
                            rows.hex(hash, continuing: true)
                            rows.raw("\\\\x")
                            rows.hex(network, continuing: true)
                            rows.time(from.addingTimeInterval(span * Double(n) / Double(proposal.supportCount)))
                            rows.raw("counted")
                            rows.endRow()
                        }
                        supports += proposal.supportCount
                    }
                    return rows.bytes.isEmpty ? nil : rows.bytes
                }
                if emptySupports {
                    for (_, create) in Self.supportIndexes { try connection.execute(create) }
                }
                try connection.execute("ANALYZE proposals")
                try connection.execute("ANALYZE proposal_supports")
                return (loaded, supports)
            }
        }
    }

    static let copyProposals = """
        COPY proposals (
            id, code, secret_hash, title, text, public_title, public_text, scope, province_code, district_code,
            category_code, estimated_cost, status, created_at, published_at, closes_at, threshold, supports, routed_at,
            agency_code, answer_due, answer, answer_text, answered_at, first_answered_at, expired_at, updated_at)
        FROM STDIN
        """

    static func append(_ record: ProposalRecord, id: Int64, to rows: inout CopyWriter) {
        rows.integer(id)
        rows.text(record.code)
        // A hash no secret has: demo proposals cannot be followed by anyone.
        rows.raw("\\\\x00")
        rows.text(record.title)
        rows.text(record.text)
        rows.text(record.publicTitle)
        rows.text(record.publicText)
        rows.text(record.scope.level.rawValue)
        rows.text(record.scope.provinceCode)
        rows.text(record.scope.districtCode)
        rows.text(record.categoryCode)
        rows.text(record.estimatedCost.map { String($0) })
        rows.text(record.status.rawValue)
        rows.time(record.createdAt)
        rows.time(record.publishedAt)
        rows.time(record.closesAt)
        rows.text(record.threshold.map { String($0) })
        rows.integer(Int64(record.supports))
        rows.time(record.routedAt)
        rows.text(record.agencyCode)
        rows.time(record.answerDue)
        rows.text(record.answer?.rawValue)
        rows.text(record.answerText)
        rows.time(record.answeredAt)
        rows.time(record.answeredAt)
        rows.time(record.status == .expired ? record.closesAt : nil)
        rows.time(record.answeredAt ?? record.routedAt ?? record.publishedAt ?? record.createdAt)
        rows.endRow()
    }
}
