import ArgumentParser

/// The `siang` command: the server and the tools around it.
@main
struct Siang: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "siang",
        abstract: "Siang (เสียง): complaints and public participation for Thai government.",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SeedCommand.self, TokenCommand.self, UserCommand.self, DemoCommand.self,
            ClassifyCommand.self, TrainCommand.self, ModelCommand.self,
            EvaluateCommand.self, SegmentCommand.self, BenchCommand.self, WebhookCommand.self, AgenciesCommand.self,
        ]
    )
}
