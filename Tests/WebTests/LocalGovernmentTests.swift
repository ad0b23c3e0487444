import Domain
import Foundation
import Postgres
import Services
import Setup
import Store
import TestSupport
import Testing

@Suite("Local governments: siang agencies import")
struct LocalGovernmentTests {
    static let sample = TestDatabase.home.path + "/docs/samples/local-governments-lamphun.sample.csv"

    static func importSample(_ database: TestDatabase.Handle) async throws -> LocalGovernmentImport {
        let reference = Reference(try await ReferenceStore(pool: database.pool).load())
        return try await LocalGovernments.importing(
            try SeedFiles.localGovernments(path: sample), reference: reference, store: LocalGovernmentStore(pool: database.pool))
    }

    @Test("importing the sample twice changes nothing the second time; its local problems then go to the local government")
    func importTwice() async throws {
        let app = try await TestApp.make { database in
            let first = try await Self.importSample(database)
            #expect(first.agenciesAdded == 4)
            #expect(first.coverageAdded == 5)
            let second = try await Self.importSample(database)
            #expect(second.changedNothing)
        }
        try await app.run { client in
            // ต.อุโมงค์ (510103): roads to its municipality; traffic still to the provincial police.
            let road = try await client.file(["text": CountryTests.pothole, "category": "road", "area": ["subdistrict": "510103"]])
            #expect(road.reply.string("agency.code") == "lao-sample-umong")
            let traffic = try await client.file(["text": CountryTests.pothole, "category": "traffic", "area": ["subdistrict": "510103"]])
            #expect(traffic.reply.string("agency.code") == "police-51")
            // ต.ริมปิง's SAO takes only the categories its row names.
            let trees = try await client.file(["text": CountryTests.pothole, "category": "trees", "area": ["subdistrict": "510106"]])
            #expect(trees.reply.string("agency.code") == "district-office-5101")
            // A subdistrict no local government covers: the district office, as before.
            let uncovered = try await client.file(["text": CountryTests.pothole, "category": "road", "area": ["subdistrict": "510102"]])
            #expect(uncovered.reply.string("agency.code") == "district-office-5101")
        }
    }

    /// Runs `body` on a fresh database, then closes its pool.
    func withDatabase(_ body: (TestDatabase.Handle) async throws -> Void) async throws {
        try await TestDatabase.withFresh(body)
    }

    @Test("a changed file updates names and coverage without losing the agency")
    func reimportChanges() async throws {
        try await withDatabase { database in
        _ = try await Self.importSample(database)
        let reference = Reference(try await ReferenceStore(pool: database.pool).load())
        var governments = try SeedFiles.localGovernments(path: Self.sample)
        governments[0].agency.nameTH = "เทศบาลเมืองลำพูน"
        governments[0].subdistricts = ["510101"]
        let summary = try await LocalGovernments.importing(
            governments, reference: reference, store: LocalGovernmentStore(pool: database.pool))
        #expect(summary.agenciesUpdated == 1)
        #expect(summary.coverageRemoved == 1)
        #expect(summary.agenciesAdded == 0)
        let agencies = try await ReferenceStore(pool: database.pool).load().agencies
        #expect(agencies.first { $0.code == "lao-sample-lamphun-city" }?.nameTH == "เทศบาลเมืองลำพูน")
        }
    }

    @Test("a row naming a Bangkok subdistrict, an unknown subdistrict or another agency's code is refused, and nothing is imported")
    func refusals() async throws {
        try await withDatabase { database in
        let reference = Reference(try await ReferenceStore(pool: database.pool).load())
        let store = LocalGovernmentStore(pool: database.pool)
        func government(_ code: String, _ subdistricts: [String]) -> LocalGovernment {
            LocalGovernment(agency: Agency(code: code, nameTH: "ทดสอบ", nameEN: "Test", kind: "sao"), subdistricts: subdistricts)
        }
        for bad in [government("lao-a", ["104701"]), government("lao-b", ["999999"]), government("pea", ["510101"])] {
            await #expect(throws: DomainError.self) {
                _ = try await LocalGovernments.importing([government("lao-ok", ["510101"]), bad], reference: reference, store: store)
            }
        }
        let agencies = try await ReferenceStore(pool: database.pool).load().agencies
        #expect(!agencies.contains { $0.code == "lao-ok" })
        }
    }
}
