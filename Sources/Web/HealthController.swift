import Hummingbird
import Postgres

/// Liveness and readiness.
struct HealthController {
    let pool: ConnectionPool

    func addRoutes(to router: Router<SiangRequestContext>) {
        router.get("healthz") { _, _ in try JSONResponse.make(["status": "ok"]) }
        router.get("readyz") { _, _ in
            guard await pool.ping() else {
                return try JSONResponse.make(["status": "database unreachable"], status: .serviceUnavailable)
            }
            return try JSONResponse.make(["status": "ready"])
        }
    }
}
