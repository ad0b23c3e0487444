import Domain
import Foundation
import HTTPTypes
import Postgres
import TestSupport
import HummingbirdTesting
import Testing

@Suite("Reference data and health")
struct ReferenceTests {
    @Test("categories, areas and agencies are listed with Thai and English names")
    func reference() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            let categories = try await client.send(.get, "/api/v1/categories").array("categories")
            #expect(categories.count == 35)
            #expect(categories.first?["name_th"] as? String == "ถนน")
            let provinces = try await client.send(.get, "/api/v1/areas?level=province").array("areas")
            #expect(provinces.count == 77)
            let bangkok = try await client.send(.get, "/api/v1/areas?parent=10").array("areas")
            #expect(bangkok.count == 50)
            let samutPrakan = try await client.send(.get, "/api/v1/areas?parent=11").array("areas")
            #expect(samutPrakan.count == 6)
            let bangNa = try await client.send(.get, "/api/v1/areas?parent=1047").array("areas")
            #expect(!bangNa.isEmpty)
            #expect(bangNa.allSatisfy { ($0["code"] as? String)?.hasPrefix("1047") == true })
            let agencies = try await client.send(.get, "/api/v1/agencies").array("agencies")
            let offices = agencies.filter { $0["kind"] as? String == "district_office" }
            #expect(offices.filter { ($0["code"] as? String)?.hasPrefix("bma-district-") == true }.count == 50)
            #expect(offices.count == 928)
            #expect(agencies.filter { ($0["code"] as? String)?.hasPrefix("damrongdhama-") == true }.count == 77)
            let bad = try await client.send(.get, "/api/v1/areas?level=village")
            #expect(bad.status == .badRequest)
        }
    }

    @Test("health answers at once; readiness checks the database")
    func health() async throws {
        let app = try await TestApp.make()
        try await app.run { client in
            #expect(try await client.send(.get, "/healthz").status == .ok)
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.string("status") == "ready")
        }
    }
}
