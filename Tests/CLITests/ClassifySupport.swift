import Classification
import Domain
import Foundation
import Services
import Setup
@testable import siang
import TestSupport
import Testing
import ThaiText

extension ClassifyStream {
    /// The stream `siang classify` runs: the default model, the seeds' areas, the default triage threshold.
    static func fromSeeds() throws -> ClassifyStream {
        let home = TestDatabase.home
        let data = try SeedFiles.referenceData(home: home)
        let analyzer = try TextAnalyzer(
            model: try DefaultModel.load(home: home), gazetteer: SeedFiles.gazetteer(areas: data.areas))
        return ClassifyStream(
            placer: Placer(analyzer: analyzer, reference: Reference(data), triageThreshold: ServiceRules().triageThreshold))
    }
}

/// One output line of the stream, as a JSON object.
func jsonObject(_ line: String?) throws -> [String: Any] {
    let line = try #require(line)
    return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
}
