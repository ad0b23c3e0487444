/// For each place, which of a text's candidate names could name it (the place itself, or a
/// place below it): one candidate, or several.
///
/// A handful of places per text: a sorted array answers faster than a `Dictionary`, whose
/// hashing and growth were a good part of finding places in the national gazetteer.
struct PlaceContributors {
    /// Place (entry index) and candidate index packed as `place << 32 | candidate`, sorted.
    private var pairs: [UInt64] = []

    /// Records that `candidate` could name `place`.
    mutating func add(place: Int, candidate: Int) {
        pairs.append(UInt64(place) << 32 | UInt64(candidate))
    }

    /// Call once every pair is added, before asking.
    mutating func seal() {
        pairs.sort()
    }

    /// Whether some candidate other than `candidate` could name `place`.
    func hasOther(than candidate: Int, naming place: Int) -> Bool {
        // The first pair for `place`, by binary search.
        var lower = 0
        var upper = pairs.count
        let key = UInt64(place) << 32
        while lower < upper {
            let middle = (lower + upper) / 2
            if pairs[middle] < key { lower = middle + 1 } else { upper = middle }
        }
        var index = lower
        while index < pairs.count, pairs[index] >> 32 == UInt64(place) {
            if Int(pairs[index] & 0xFFFF_FFFF) != candidate { return true }
            index += 1
        }
        return false
    }
}
