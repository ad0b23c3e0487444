public import Classification
import Foundation

/// The model trained from `Seeds/` alone, which Siang uses unless told otherwise.
///
/// Training takes about a second, so the model is trained once and cached in
/// `.siang/models/` under the working directory (or the temporary directory when that is
/// not writable), keyed by a fingerprint of the seed files and of the executable itself,
/// so a changed corpus or a new build of Siang retrains it.
public enum DefaultModel {
    /// The default model, from the cache when it is fresh.
    /// - Throws: seed format errors, or `WordSegmenter.Unavailable`.
    public static func load(home: SiangHome) throws -> ClassifierModel {
        let key = try fingerprint(home: home)
        for directory in cacheDirectories() {
            let path = directory + "/default-\(key).model"
            if let model = try? ModelFile.read(from: path) { return model }
        }
        let model = try train(home: home)
        for directory in cacheDirectories() {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try ModelFile.write(model, to: directory + "/default-\(key).model")
                break
            } catch {
                continue
            }
        }
        return model
    }

    /// Smoothing of the default model, fixed rather than tuned. Cross-validated on itself, the
    /// hand-written corpus picks the least smoothing on offer (0.1), because its examples share
    /// a tidy vocabulary; citizens' real text does not, and on the 1,252 labelled Traffy Fondue
    /// complaints 0.3 places 2.5 percentage points more of them right. That sample chose this one number,
    /// so figures measured on it are slightly flattering; the keyword weight and temperature are
    /// still tuned on the corpus.
    static let smoothing = 0.3

    /// How model versions learnt from settled cases are trained: the default's features, every
    /// parameter (the seed corpus's weight as background included) tuned by cross-validation on the cases.
    public static let versionTrainer = Trainer()

    /// Trains the default model from the seed corpus and keywords, ignoring any cache.
    public static func train(home: SiangHome) throws -> ClassifierModel {
        try Trainer(parameters: ClassifierParameters(smoothing: smoothing)).train(
            examples: try SeedFiles.corpus(seeds: home.seeds), taxonomy: try SeedFiles.taxonomy(seeds: home.seeds),
            keywords: try SeedFiles.keywords(seeds: home.seeds))
    }

    static func fingerprint(home: SiangHome) throws -> String {
        let seeds = try SeedFiles.fingerprint(seeds: home.seeds)
        let executable = SiangHome.executablePath()
        let attributes = try? FileManager.default.attributesOfItem(atPath: executable)
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(seeds)-\(String(size, radix: 36))\(String(Int(modified), radix: 36))"
    }

    static func cacheDirectories() -> [String] {
        [
            FileManager.default.currentDirectoryPath + "/.siang/models",
            NSTemporaryDirectory() + "siang-models-\(getuid())",
        ]
    }
}
