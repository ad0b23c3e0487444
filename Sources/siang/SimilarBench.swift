import AsyncHTTPClient
import ArgumentParser
import CSV
import Classification
import Foundation
import NIOCore
import NIOHTTP1
import Services
import Setup
import Similarity
import Store
import JSONBytes

/// `siang bench similar`: the memory of the similarity index over the database's open public cases
/// (load `siang demo` first), and the latency of `POST /api/v1/cases/similar` with concurrent clients
/// against a running server.
struct SimilarBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Similarity index memory over the database's open public cases, and /cases/similar latency (p50, p99)."
    )

    @Option(help: "The running server to query (e.g. http://127.0.0.1:8080); none: memory only.")
    var url: String?

    @Option(help: "Concurrent clients.")
    var clients = 16

    @Option(help: "Seconds to send requests for.")
    var seconds = 10.0

    @Option(help: "CSV of questions (bench/similar/pairs.csv): each row's text_a and area_a is asked.")
    var pairs = "bench/similar/pairs.csv"

    @Flag(help: "Skip building the index in this process (memory) and only measure latency.")
    var latencyOnly = false

    struct Report: Encodable {
        var indexed_cases: Int?
        var index_build_seconds: Double?
        var index_bytes_estimated: Int?
        var resident_bytes_growth: Int?
        var clients: Int?
        var requests: Int?
        var errors: Int?
        var requests_per_second: Double?
        var p50_ms: Double?
        var p99_ms: Double?
    }

    func validate() throws {
        guard (1...256).contains(clients) else { throw ValidationError("--clients must be from 1 to 256") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    }

    func run() async throws {
        var report = Report()
        if !latencyOnly {
            try await withDatabase { database, home, _ in
                let before = Self.residentBytes()
                let started = ContinuousClock.now
                let index = try SimilarityIndex()
                index.addBackground(try SeedFiles.corpus(seeds: home.seeds).map(\.text))
                report.indexed_cases = try await DuplicateService.load(into: index, from: CaseStore(pool: database.pool))
                report.index_build_seconds = ((ContinuousClock.now - started).seconds * 10).rounded() / 10
                report.index_bytes_estimated = index.approximateBytes
                report.resident_bytes_growth = Self.residentBytes() - before
                withExtendedLifetime(index) {}
            }
        }
        if let url {
            let questions = try LabelledPairsFile.read(pairs).map { (text: $0.query.text, district: $0.query.area) }
            guard !questions.isEmpty else { throw ValidationError("no questions in \(pairs)") }
            try await measure(url: url, questions: questions, into: &report)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
    }

    func measure(url: String, questions: [(text: String, district: String)], into report: inout Report) async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await load(client: client, url: url, questions: questions, into: &report)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    func load(
        client: HTTPClient, url: String, questions: [(text: String, district: String)], into report: inout Report
    ) async throws {
        let endpoint = url.hasSuffix("/") ? url + "api/v1/cases/similar" : url + "/api/v1/cases/similar"
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for clientIndex in 0..<clients {
                group.addTask {
                    var samples: [Double] = []
                    var errors = 0
                    var next = clientIndex
                    while ContinuousClock.now < deadline {
                        let question = questions[next % questions.count]
                        next += clients
                        var request = HTTPClientRequest(url: endpoint)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        let body = try JSONSerialization.data(withJSONObject: ["text": question.text, "district": question.district])
                        request.body = .bytes(body)
                        let started = ContinuousClock.now
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        samples.append((ContinuousClock.now - started).seconds * 1000)
                        if response.status != .ok { errors += 1 }
                    }
                    return (samples, errors)
                }
            }
            return try await group.reduce(into: [([Double], Int)]()) { $0.append($1) }
        }
        var samples = results.flatMap(\.0)
        samples.sort()
        guard !samples.isEmpty else { return }
        func rounded(_ value: Double) -> Double { value.rounded(toPlaces: 2) }
        report.clients = clients
        report.requests = samples.count
        report.errors = results.reduce(0) { $0 + $1.1 }
        report.requests_per_second = rounded(Double(samples.count) / seconds)
        report.p50_ms = rounded(samples[samples.count / 2])
        report.p99_ms = rounded(samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))])
    }

    /// Resident set size from /proc (Linux), 0 elsewhere.
    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// `siang bench similar-pairs`: precision@1 and recall@5 of "already reported?" on the labelled pairs.
struct SimilarPairsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar-pairs",
        abstract: "Precision@1 and recall@5 of the similarity engine on a labelled pairs file (bench/similar/pairs.csv)."
    )

    @Option(help: "The labelled pairs (same,kind,text_a,area_a,lat_a,lon_a,text_b,area_b,lat_b,lon_b).")
    var pairs = "bench/similar/pairs.csv"

    @Option(help: "Also write each question answered wrongly (or missing its partner) to this file, one JSON line each.")
    var mistakes: String?

    @Flag(help: "Leave the classifier's categories out: words and places alone.")
    var withoutCategories = false

    struct Report: Encodable {
        var pairs: Int
        var positives: Int
        var answered: Int
        var precision_at_1: Double
        var recall_at_5: Double
        var wrong_first_by_kind: [String: Int]
    }

    func run() throws {
        let labelled = try LabelledPairsFile.read(pairs)
        // The IDF is primed with the training corpus, as the server's index is (`SiangRuntime.prepare`).
        let home = try SiangHome.locate()
        let background = try SeedFiles.corpus(seeds: home.seeds).map(\.text)
        // The default model (trained from Seeds/, as the server's is before any version is promoted).
        let classifier = try Classifier(model: try DefaultModel.load(home: home))
        let result = try PairEvaluation.run(
            labelled, background: background,
            categorize: withoutCategories ? nil : { DuplicateService.categoryBelief(classifier.classify($0)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let report = Report(
            pairs: labelled.count, positives: result.positives, answered: result.answered,
            precision_at_1: (result.precisionAtOne * 1000).rounded() / 1000, recall_at_5: (result.recallAtFive * 1000).rounded() / 1000,
            wrong_first_by_kind: result.wrongByKind)
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
        if let mistakes { try write(result.mistakes, of: labelled, to: mistakes) }
    }

    /// One line per mistake: the question, its labelled partner, and the first answer, with scores and shared words.
    private func write(_ mistakes: [PairEvaluation.Mistake], of labelled: [LabelledPair], to path: String) throws {
        struct Line: Encodable {
            var row: Int
            var kind: String
            var same: Bool
            var question: String
            var partner: String
            var partner_score: Float?
            var first: String?
            var first_score: Float?
            var first_shared: [String]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var out = Data()
        for mistake in mistakes {
            let pair = labelled[mistake.pair]
            let line = Line(
                row: mistake.pair + 1, kind: pair.kind, same: pair.same, question: pair.query.text, partner: pair.filed.text,
                partner_score: mistake.partner?.score, first: mistake.first.map { labelled[Int($0.id)].filed.text },
                first_score: mistake.first?.score, first_shared: mistake.first?.sharedWords)
            out += try encoder.encode(line) + Data("\n".utf8)
        }
        guard FileManager.default.createFile(atPath: path, contents: out) else { throw ValidationError("cannot write \(path)") }
    }
}

/// Reads `bench/similar/pairs.csv` (a header row, then one labelled pair a row).
enum LabelledPairsFile {
    static func read(_ path: String) throws -> [LabelledPair] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot open \(path)") }
        let reader = try CSVReader(string: String(decoding: data, as: UTF8.self), hasHeaderRow: true)
        let header = reader.headerRow ?? []
        let names = ["same", "kind", "text_a", "area_a", "lat_a", "lon_a", "text_b", "area_b", "lat_b", "lon_b"]
        let columns = try names.map { name in
            guard let column = header.firstIndex(of: name) else { throw ValidationError("\(path): no column \"\(name)\"") }
            return column
        }
        var pairs: [LabelledPair] = []
        while let row = reader.next() {
            guard row.count >= header.count else { continue }
            let field = columns.map { row[$0] }
            pairs.append(
                LabelledPair(
                    same: field[0] == "1", kind: field[1],
                    query: .init(text: field[2], area: field[3], latitude: Double(field[4]), longitude: Double(field[5])),
                    filed: .init(text: field[6], area: field[7], latitude: Double(field[8]), longitude: Double(field[9]))))
        }
        return pairs
    }
}
