import Domain
import Foundation
import Services
import TestSupport
import Testing

/// Siang's count against pabutools (PyPI), the reference implementation of participatory-budgeting
/// rules, on random rounds: `Tests/Budgets/pabutools_count.py` counts the same instances.
///
/// Fails, saying what to install, when python3 with pabutools is missing: a count never compared
/// with the reference must not pass as checked.
@Suite("Budget count against pabutools")
struct BudgetCountPabutoolsTests {
    struct Reference: Decodable {
        var greedy: [Int64]
        var equal_shares: [Int64]
    }

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Budgets/pabutools_count.py")

    @Test("greedy and Equal Shares choose exactly what pabutools chooses, in the same order, on 200 random rounds")
    func matchesPabutools() async throws {
        var random = SplitMix64(seed: 20_260_514)
        let instances = (0..<200).map { _ in RandomBudgetInstance.make(&random) }
        let reference = try await onOwnThread { try Self.pabutools(instances) }
        try #require(reference.count == instances.count)
        var ties = 0
        for (instance, expected) in zip(instances, reference) {
            let greedy = instance.count(.greedy)
            let shares = instance.count(.equalShares)
            let described = String(decoding: try JSONEncoder().encode(instance), as: UTF8.self)
            #expect(greedy.winners == expected.greedy, "greedy: \(described)")
            #expect(shares.winners == expected.equal_shares, "equal shares: \(described)")
            let votes = greedy.projects.map(\.votes).filter { $0 > 0 }
            if Set(votes).count < votes.count { ties += 1 }
        }
        // The instances must exercise the tie-break, not avoid it.
        #expect(ties > 30)
        // And the rules must disagree often enough for the comparison to mean something.
        #expect(zip(instances, reference).filter { Set($1.greedy) != Set($1.equal_shares) }.count > 20)
    }

    static func pabutools(_ instances: [RandomBudgetInstance]) throws -> [Reference] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let payload = try JSONEncoder().encode(instances)
        // Writing and reading at once: the script's answer may be larger than a pipe's buffer.
        let writer = Thread {
            input.fileHandleForWriting.write(payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let answer = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record(
                """
                Tests/Budgets/pabutools_count.py failed (python3 with pabutools is needed: pip install pabutools):
                \(String(decoding: complaint, as: UTF8.self))
                """)
            return []
        }
        return try JSONDecoder().decode([Reference].self, from: answer)
    }
}
