import Hummingbird
import Services

/// Liveness and readiness.
struct HealthController {
    let services: SiangServices

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("readyz") { _, _ in
            guard await services.databaseIsReachable() else {
                return try JSONResponse.make(["status": "database unreachable"], status: .serviceUnavailable)
            }
            // Statistics load in the background after a start (tens of seconds at national size).
            guard services.statistics.isLoaded else {
                return try JSONResponse.make(["status": "loading statistics"], status: .serviceUnavailable)
            }
            guard services.openCasesIndexed else {
                return try JSONResponse.make(["status": "indexing open cases"], status: .serviceUnavailable)
            }
            return try JSONResponse.make(["status": "ready"])
        }
    }
}
