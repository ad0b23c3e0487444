import Foundation

/// The OpenAPI 3.1 document of `/api/v1` (`openapi.json`, kept by hand beside this file): served as
/// it is written, read for the reference page, and compared with the router by the tests.
struct OpenAPIDocument: Sendable {
    /// The file's bytes, served unchanged.
    let bytes: [UInt8]
    let root: JSONTree

    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The document in the Web target's resources, read and parsed once.
    static let bundled: Result<OpenAPIDocument, LoadError> = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return .failure(LoadError(description: "openapi.json is missing from the Web target's resources")) }
        do {
            return .success(try OpenAPIDocument(data: data))
        } catch {
            return .failure(LoadError(description: "openapi.json is not JSON: \(error)"))
        }
    }()

    init(data: Data) throws {
        bytes = Array(data)
        root = try JSONDecoder().decode(JSONTree.self, from: data)
    }

    /// The methods an OpenAPI path item may hold, in the order the reference page lists them.
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// Every documented operation as `METHOD /api/v1/path`, the form the route test compares.
    var operations: [(method: String, path: String)] {
        let base = root["servers"]?[0]?["url"]?.string ?? ""
        var operations: [(method: String, path: String)] = []
        for (path, item) in root["paths"]?.members ?? [] {
            for method in Self.methods where item[method] != nil { operations.append((method.uppercased(), base + path)) }
        }
        return operations
    }

    /// Follows a local `$ref` (`#/components/schemas/Case`) to what it names; other values are themselves.
    func resolve(_ value: JSONTree?) -> JSONTree? {
        guard let reference = value?["$ref"]?.string, reference.hasPrefix("#/") else { return value }
        var node: JSONTree? = root
        for key in reference.dropFirst(2).split(separator: "/") { node = node?[String(key)] }
        return resolve(node)
    }
}

/// A parsed JSON value. `JSONDecoder` does not keep the order of an object's members, so they are
/// sorted by name: the same document always reads the same way.
indirect enum JSONTree: Decodable, Sendable, Equatable {
    case object([(key: String, value: JSONTree)])
    case array([JSONTree])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    static func == (a: JSONTree, b: JSONTree) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        case (.array(let x), .array(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.null, .null): true
        default: false
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            self = .object(
                try object.allKeys.sorted { $0.stringValue < $1.stringValue }.map {
                    ($0.stringValue, try object.decode(JSONTree.self, forKey: $0))
                })
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [JSONTree] = []
            while !array.isAtEnd { items.append(try array.decode(JSONTree.self)) }
            self = .array(items)
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                self = .null
            } else if let bool = try? value.decode(Bool.self) {
                self = .bool(bool)
            } else if let number = try? value.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try value.decode(String.self))
            }
        }
    }

    subscript(key: String) -> JSONTree? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    subscript(index: Int) -> JSONTree? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    var members: [(key: String, value: JSONTree)] {
        guard case .object(let members) = self else { return [] }
        return members
    }

    var items: [JSONTree] {
        guard case .array(let items) = self else { return [] }
        return items
    }

    var string: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    var bool: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }
}
