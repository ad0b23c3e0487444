import Logging
import ServiceLifecycle
import Services

/// Runs `CaseChangeFollower` in the application's service group: several `siang serve` processes on
/// one database then answer as one service (statistics, tracking caches) within a second of a change.
struct CaseChangeService: Service, CustomStringConvertible {
    let follower: CaseChangeFollower
    /// How often statistics are reloaded whole besides (nil: only when the feed had to reconnect,
    /// the one time changes can go unseen).
    let reloadInterval: Duration?
    let logger: Logger

    var description: String { "CaseChangeService" }

    func run() async throws {
        let follower = self.follower
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await follower.run(reloadInterval: reloadInterval, logger: logger)
            } onGracefulShutdown: {
                follower.stop()
            }
        } onCancel: {
            follower.stop()
        }
    }
}
