public import Foundation
import ThaiText

/// Reads and writes model files.
///
/// Layout (little-endian): the magic `SIANGNB\0`, a format version (UInt32), the length of
/// a JSON header (UInt32) and the header (taxonomy, feature settings, parameters, keyword
/// rules); then per category its document count and feature total (Float64 each); then the
/// number of features (UInt32) and, sorted by hash, each feature's hash (UInt64), number of
/// non-zero counts (UInt16) and those (category UInt16, count Float64). Binary rather than
/// JSON because a model has hundreds of thousands of numbers and must load in milliseconds.
public enum ModelFile {
    /// Why a model file could not be read.
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    static let magic: [UInt8] = Array("SIANGNB".utf8) + [0]
    public static let formatVersion: UInt32 = 1

    struct Header: Codable {
        var taxonomy: Taxonomy
        var features: FeatureSettings
        var parameters: ClassifierParameters
        var keywords: [KeywordRule]
    }

    /// The bytes of `model`'s file. The same model always gives the same bytes.
    public static func encode(_ model: ClassifierModel) throws -> Data {
        var writer = ByteWriter()
        writer.bytes(magic)
        writer.uint32(formatVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = try encoder.encode(
            Header(taxonomy: model.taxonomy, features: model.features, parameters: model.parameters, keywords: model.keywords))
        writer.uint32(UInt32(header.count))
        writer.bytes(Array(header))
        let counts = model.counts
        for category in 0..<counts.categoryCount {
            writer.float64(counts.documentCounts[category])
            writer.float64(counts.featureTotals[category])
        }
        writer.uint32(UInt32(counts.features.count))
        for feature in counts.features.keys.sorted() {
            let perCategory = counts.features[feature]!.sorted { $0.key < $1.key }
            writer.uint64(feature)
            writer.uint16(UInt16(perCategory.count))
            for (category, count) in perCategory {
                writer.uint16(UInt16(category))
                writer.float64(count)
            }
        }
        return Data(writer.buffer)
    }

    /// Reads a model from the bytes of its file.
    /// - Throws: `ReadError` when the bytes are not a model this version of Siang can read.
    public static func decode(_ data: Data) throws -> ClassifierModel {
        var reader = ByteReader(bytes: [UInt8](data))
        guard try reader.bytes(magic.count) == magic else { throw ReadError(description: "not a Siang model file") }
        let version = try reader.uint32()
        guard version == formatVersion else {
            throw ReadError(description: "model format \(version) is not supported (this Siang reads \(formatVersion))")
        }
        let headerLength = Int(try reader.uint32())
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(try reader.bytes(headerLength)))
        } catch let error as ReadError {
            throw error
        } catch {
            throw ReadError(description: "the model's header is damaged")
        }
        guard header.features.hashVersion == FeatureSettings.currentHashVersion else {
            throw ReadError(description: "the model uses feature hashing version \(header.features.hashVersion)")
        }
        let categoryCount = header.taxonomy.categories.count
        var documentCounts: [Double] = []
        var featureTotals: [Double] = []
        for _ in 0..<categoryCount {
            documentCounts.append(try reader.float64())
            featureTotals.append(try reader.float64())
        }
        let featureCount = Int(try reader.uint32())
        var features: [UInt64: [Int: Double]] = [:]
        features.reserveCapacity(featureCount)
        for _ in 0..<featureCount {
            let feature = try reader.uint64()
            let nonZero = Int(try reader.uint16())
            var perCategory: [Int: Double] = [:]
            for _ in 0..<nonZero {
                let category = Int(try reader.uint16())
                guard category < categoryCount else { throw ReadError(description: "the model's counts are damaged") }
                perCategory[category] = try reader.float64()
            }
            features[feature] = perCategory
        }
        guard reader.isAtEnd else { throw ReadError(description: "the model file has trailing bytes") }
        return ClassifierModel(
            taxonomy: header.taxonomy, features: header.features, parameters: header.parameters, keywords: header.keywords,
            counts: NaiveBayesCounts(documentCounts: documentCounts, featureTotals: featureTotals, features: features))
    }

    /// Writes `model` to `path` atomically (a reader never sees half a file).
    public static func write(_ model: ClassifierModel, to path: String) throws {
        try encode(model).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Reads the model at `path`.
    public static func read(from path: String) throws -> ClassifierModel {
        try decode(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

struct ByteWriter {
    var buffer: [UInt8] = []

    mutating func bytes(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }
    mutating func uint16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func uint32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func uint64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) } }
    mutating func float64(_ value: Double) { uint64(value.bitPattern) }
}

struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else {
            throw ModelFile.ReadError(description: "the model file is truncated")
        }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// One little-endian integer, loaded whole rather than assembled a byte at a time: a model has
    /// hundreds of thousands of numbers, and reading them was most of `siang classify`'s start-up.
    mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw ModelFile.ReadError(description: "the model file is truncated") }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    mutating func uint16() throws -> UInt16 { try integer(UInt16.self) }
    mutating func uint32() throws -> UInt32 { try integer(UInt32.self) }
    mutating func uint64() throws -> UInt64 { try integer(UInt64.self) }
    mutating func float64() throws -> Double { Double(bitPattern: try uint64()) }
}
