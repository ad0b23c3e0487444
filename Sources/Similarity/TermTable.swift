import Foundation

/// The similarity index's own numbering of the terms it holds, with their document frequencies.
///
/// Every indexed case lists its terms; as 4-byte numbers instead of 8-byte hashes that list is half
/// the size (about a hundred terms a case, a million open cases at national scale). A number is
/// given to a hash the first time a document or background text holds it and taken back when the
/// last one leaves, so the table holds only terms in use and a long-running server does not grow
/// with every word ever filed.
struct TermTable {
    private var numbers: [UInt64: UInt32] = [:]
    /// By number: the term's hash, and how many documents (cases and background texts) hold it
    /// (0: the number is free).
    private var hashes: [UInt64] = []
    private var frequencies: [Int32] = []
    private var free: [UInt32] = []
    /// Documents counted (cases indexed and background texts).
    private(set) var documentCount = 0

    /// The number of a term some document holds, nil for a term none holds.
    func number(of hash: UInt64) -> UInt32? { numbers[hash] }

    /// The hash a number stands for.
    func hash(of number: UInt32) -> UInt64 { hashes[Int(number)] }

    /// Counts one document holding `distinctHashes` (each once) and returns their numbers, in order.
    mutating func add(_ distinctHashes: [UInt64]) -> [UInt32] {
        documentCount += 1
        return distinctHashes.map { hash in
            if let number = numbers[hash] {
                frequencies[Int(number)] += 1
                return number
            }
            let number: UInt32
            if let reused = free.popLast() {
                number = reused
                hashes[Int(number)] = hash
                frequencies[Int(number)] = 1
            } else {
                number = UInt32(hashes.count)
                hashes.append(hash)
                frequencies.append(1)
            }
            numbers[hash] = number
            return number
        }
    }

    /// Uncounts a document added before with these numbers (each once); numbers no document holds
    /// any more are freed for other terms.
    mutating func remove(_ distinctNumbers: [UInt32]) {
        documentCount = max(0, documentCount - 1)
        for number in distinctNumbers {
            let index = Int(number)
            guard frequencies[index] > 0 else { continue }
            frequencies[index] -= 1
            if frequencies[index] == 0 {
                numbers[hashes[index]] = nil
                free.append(number)
            }
        }
    }

    /// Smoothed IDF, ln((N + 1) / (df + 1)) + 1, of a numbered term (`DocumentFrequencies.idf`).
    func idf(_ number: UInt32) -> Float { idf(frequency: Int(frequencies[Int(number)])) }

    /// The IDF of a term no document holds (a query's new word): the highest there is.
    var unseenIDF: Float { idf(frequency: 0) }

    private func idf(frequency: Int) -> Float {
        Float(log(Double(documentCount + 1) / Double(frequency + 1)) + 1)
    }

    /// Terms held.
    var termCount: Int { numbers.count }

    /// Approximate bytes: the hash-to-number table and the two arrays by number.
    var approximateBytes: Int { numbers.count * 24 + hashes.count * 12 + free.count * 4 }
}
