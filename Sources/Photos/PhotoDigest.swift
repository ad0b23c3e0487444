import Crypto

/// SHA-256 of bytes already in memory (the renditions, which are stored by it).
public enum PhotoDigest {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}
