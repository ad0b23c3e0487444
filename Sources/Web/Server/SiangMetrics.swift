import CoreMetrics
import Hummingbird
import Prometheus

/// The process's metrics, kept by swift-metrics in a Prometheus registry and read at `/metrics`.
///
/// swift-metrics has one backend per process, so it is installed once, when the first application that
/// serves metrics is built; until then (and in a process that never serves them) every metric is a no-op.
enum SiangMetrics {
    static let registry = PrometheusCollectorRegistry()

    /// Installs the Prometheus backend (the first use does; later ones find it installed).
    static let installed: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
            .seconds(10),
        ]
        factory.durationHistogramBuckets["siang_classifier_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        ]
        factory.durationHistogramBuckets["siang_statistics_reload_seconds"] = [
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
            .seconds(10), .seconds(30), .seconds(60), .seconds(120),
        ]
        factory.nameAndLabelSanitizer = { name, labels in
            (names[name] ?? name, labels.map { (labelNames[$0.0] ?? $0.0, $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }()

    /// Hummingbird's `MetricsMiddleware` names, in Prometheus's conventions.
    static let names = [
        "hb.requests": "siang_http_requests_total",
        "http.server.request.duration": "siang_http_request_duration_seconds",
        "hb.request.errors": "siang_http_request_errors_total",
        "http.server.active_requests": "siang_http_active_requests",
    ]
    static let labelNames = [
        "http.route": "route", "http.request.method": "method", "http.response.status_code": "status", "error.type": "status",
    ]
}
