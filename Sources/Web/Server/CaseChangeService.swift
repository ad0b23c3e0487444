import Logging
import ServiceLifecycle
import Services

/// Runs `CaseChangeFollower` in the application's service group: several `siang serve` processes on
/// one database then answer as one service (statistics, tracking caches) within a second of a change.
struct CaseChangeService: Service, CustomStringConvertible {
    let follower: CaseChangeFollower
    let logger: Logger

    var description: String { "CaseChangeService" }

    func run() async throws {
        let follower = self.follower
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await follower.run(logger: logger)
            } onGracefulShutdown: {
                follower.stop()
            }
        } onCancel: {
            follower.stop()
        }
    }
}
