import ArgumentParser
import Foundation
import ThaiText

/// `siang segment`: shows how Siang reads Thai text, one line in, its tokens out.
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Normalise and segment each line of standard input; print the tokens separated by '|'."
    )

    @Flag(help: "Leave out stop words.")
    var dropStopWords = false

    func run() throws {
        let tokenizer = try ThaiTokenizer()
        while let line = readLine(strippingNewline: true) {
            let tokens = tokenizer.tokens(in: line).filter { !(dropStopWords && $0.isStopWord) }
            print(tokens.map(\.text).joined(separator: "|"))
        }
    }
}
