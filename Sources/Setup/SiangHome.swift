import Foundation

/// Where Siang's `Seeds/` and `Config/` folders are.
///
/// Looked for, in order: `$SIANG_HOME`; the working directory; the folder of the
/// executable and its parents (so a release binary copied to `/opt/siang/bin/siang` beside
/// `/opt/siang/Seeds` works, as does `.build/release/siang` run from anywhere in a checkout).
public struct SiangHome: Sendable, Equatable {
    public let path: String

    public var seeds: String { path + "/Seeds" }
    public var config: String { path + "/Config" }

    /// Why the folders could not be found.
    public struct NotFound: Error, CustomStringConvertible {
        public let searched: [String]
        public var description: String {
            "cannot find Siang's Seeds/ folder; set SIANG_HOME to the folder that holds Seeds/ and Config/ "
                + "(looked in: \(searched.joined(separator: ", ")))"
        }
    }

    public init(path: String) {
        self.path = path
    }

    /// Finds the home folder as described above.
    /// - Throws: `NotFound` listing the places searched.
    public static func locate(environment: [String: String]? = nil) throws -> SiangHome {
        let environment = environment ?? ProcessInfo.processInfo.environment
        if let home = environment["SIANG_HOME"], !home.isEmpty {
            guard hasSeeds(home) else { throw NotFound(searched: [home + " (SIANG_HOME)"]) }
            return SiangHome(path: home)
        }
        var searched: [String] = []
        let workingDirectory = FileManager.default.currentDirectoryPath
        searched.append(workingDirectory)
        if hasSeeds(workingDirectory) { return SiangHome(path: workingDirectory) }
        var directory = URL(fileURLWithPath: executablePath()).deletingLastPathComponent()
        while directory.path != "/" {
            searched.append(directory.path)
            if hasSeeds(directory.path) { return SiangHome(path: directory.path) }
            directory.deleteLastPathComponent()
        }
        throw NotFound(searched: searched)
    }

    static func hasSeeds(_ directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/Seeds/categories.json")
    }

    /// The running executable's real path (through /proc on Linux, where argv[0] may be relative).
    public static func executablePath() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
