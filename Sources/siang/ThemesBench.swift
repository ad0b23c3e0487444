import ArgumentParser
import Classification
import Domain
import Foundation
import Services
import ThaiText

/// `siang bench themes`: how well and how fast consultation opinions are grouped into themes.
struct ThemesBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "Cluster purity and coverage of theme grouping on a labelled CSV, or seconds to group --count opinions.",
        discussion: """
            With --purity: groups the file's opinions and prints purity (the share of grouped opinions whose
            theme's majority label is their own) and coverage (the share not left in "other"). Otherwise:
            makes --count opinions from the file's (each two of one label, joined, so that texts differ) and
            prints the seconds taken to segment them and to group them, on one thread.
            """
    )

    @Option(help: "CSV with a header row (bench/consultation/opinions.csv).")
    var input = "bench/consultation/opinions.csv"

    @Option(help: "Column holding the text.")
    var textColumn = "text"

    @Option(help: "Column holding the known theme.")
    var labelColumn = "theme"

    @Flag(help: "Print purity and coverage instead of timing.")
    var purity = false

    @Option(help: "Opinions to group when timing.")
    var count = 20_000

    @Option(help: "Override the most groups the mixture starts from (to explore).")
    var groups: Int?

    @Option(help: "Override the share of opinions above which a word is left out (to explore).")
    var common: Double?

    @Option(help: "Override how strongly words are weighted by coherence (to explore; 0 for plain TF-IDF): for attaching small groups, quotes and a theme's words.")
    var coherence: Double?

    @Option(help: "Override the mixture's alpha (to explore).")
    var alpha: Double?

    @Option(help: "Override the mixture's beta (to explore).")
    var beta: Double?

    @Option(help: "Override the mixture's chains (to explore).")
    var chains: Int?

    @Option(help: "Override the mixture's first seed (to explore).")
    var seed: UInt64?

    var grouping: ThemeGrouping {
        var grouping = ThemeGrouping()
        if let alpha { grouping.mixture.alpha = alpha }
        if let beta { grouping.mixture.beta = beta }
        if let chains { grouping.mixture.chains = chains }
        if let seed { grouping.mixture.seed = seed }
        if let groups { grouping.maximumGroups = groups }
        if let common { grouping.commonShare = common }
        if let coherence { grouping.coherence = coherence }
        return grouping
    }

    func validate() throws {
        if let alpha, !(alpha > 0) { throw ValidationError("--alpha must be above 0") }
        if let beta, !(beta > 0) { throw ValidationError("--beta must be above 0") }
        if let chains, chains < 1 { throw ValidationError("--chains must be at least 1") }
    }

    func run() throws {
        let examples = try LabelledCSV.read(path: input, textColumn: textColumn, labelColumn: labelColumn).examples
        guard !examples.isEmpty else { throw ValidationError("no opinions in \(input)") }
        let tokenizer = try ThaiTokenizer()
        if purity {
            try evaluate(examples, tokenizer: tokenizer)
        } else {
            try time(examples, tokenizer: tokenizer)
        }
    }

    func evaluate(_ examples: [TrainingExample], tokenizer: ThaiTokenizer) throws {
        let items = examples.enumerated().map { index, example in
            ThemeGrouping.Item(
                id: Int64(index + 1), words: TextAnalyzer.contentWords(ThemeGrouping.featureText(example.text), tokenizer: tokenizer), stance: .neutral,
                publicText: example.text)
        }
        let themes = grouping.group(items)
        var grouped = 0, agreeing = 0
        for theme in themes where !theme.isOther {
            let labels = theme.memberIDs.map { examples[Int($0) - 1].category }
            let counts = Dictionary(labels.map { ($0, 1) }, uniquingKeysWith: +)
            let majority = counts.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!
            grouped += labels.count
            agreeing += majority.value
            print("\(String(format: "%4d", labels.count))  \(majority.key) \(majority.value)/\(labels.count)  \(theme.words.joined(separator: " "))")
        }
        let other = themes.first(where: \.isOther)?.memberIDs.count ?? 0
        print("themes: \(themes.filter { !$0.isOther }.count), other: \(other)")
        print(String(format: "purity: %.3f", grouped == 0 ? 0 : Double(agreeing) / Double(grouped)))
        print(String(format: "coverage: %.3f", Double(grouped) / Double(examples.count)))
    }

    func time(_ examples: [TrainingExample], tokenizer: ThaiTokenizer) throws {
        let byLabel = Dictionary(grouping: examples, by: \.category).values.map { $0.map(\.text) }.sorted { $0[0] < $1[0] }
        var texts: [String] = []
        texts.reserveCapacity(count)
        var index = 0
        while texts.count < count {
            let group = byLabel[index % byLabel.count]
            let first = group[(index / byLabel.count) % group.count]
            let second = group[(index * 7 + 3) % group.count]
            texts.append(index < examples.count ? examples[index].text : first + " " + second)
            index += 1
        }
        let clock = ContinuousClock()
        var words: [[String]] = []
        let segmenting = clock.measure {
            words = texts.map { TextAnalyzer.contentWords(ThemeGrouping.featureText($0), tokenizer: tokenizer) }
        }
        let stances = OpinionStance.allCases
        let items = words.enumerated().map { index, words in
            ThemeGrouping.Item(id: Int64(index + 1), words: words, stance: stances[index % 3], publicText: texts[index])
        }
        var themes: [ThemeGrouping.Theme] = []
        let timed = clock.measure { themes = grouping.group(items) }
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        print("opinions: \(texts.count), themes: \(themes.filter { !$0.isOther }.count)")
        print(String(format: "segmenting: %.2f s (done once per opinion, when it is given)", seconds(segmenting)))
        print(String(format: "grouping: %.2f s", seconds(timed)))
    }
}
