import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus
import Services
import Setup

/// `/metrics` in Prometheus's text format: on a port of its own (`metrics.port`, loopback by default),
/// and on the main port only to `Authorization: Bearer <metrics.token>`; never public by default.
struct MetricsController: Sendable {
    let services: SiangServices

    /// Reads the gauges that are sampled, not counted (the pool, the outbox), then writes every series.
    func exposition() async -> Response {
        let usage = services.databaseUsage()
        Gauge(label: "siang_db_pool_connections").record(usage.size)
        Gauge(label: "siang_db_pool_in_use").record(usage.inUse)
        Gauge(label: "siang_db_pool_waiting").record(usage.waiting)
        Gauge(label: "siang_db_pool_max_connections").record(usage.maximum)
        if let backlog = try? await services.outboxBacklog() {
            Gauge(label: "siang_outbox_pending").record(backlog.pending)
            Gauge(label: "siang_outbox_dead").record(backlog.dead)
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(SiangMetrics.registry.emitToBuffer())
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: buffer))
    }

    /// `/metrics` on the public router, for holders of `token`.
    func addRoutes(to router: Router<SiangRequestContext>, token: String) {
        router.get("metrics") { request, context in
            guard let given = RateLimitMiddleware.bearerToken(request), Self.same(given, token) else {
                var error = APIError(
                    status: .unauthorized, code: "unauthenticated", th: "ต้องใช้โทเคนสำหรับตัวชี้วัด",
                    en: "The metrics token is required (Authorization: Bearer …).")
                error.headers[.wwwAuthenticate] = "Bearer realm=\"siang-metrics\""
                // Answered, not thrown: outside /api the page middleware would make an HTML page of it.
                return try error.response(from: request, context: context)
            }
            return await exposition()
        }
    }

    /// The application serving `/metrics` alone on `settings.port`.
    func application(settings: MetricsSettings, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ in await exposition() }
        return Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "siang-metrics"),
            logger: logger)
    }

    /// Compares in time that does not depend on where the two differ.
    static func same(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count { difference |= (index < a.count ? a[index] : 0) ^ b[index] }
        return difference == 0
    }
}
