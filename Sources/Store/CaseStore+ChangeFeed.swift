extension CaseStore {
    /// Forgets the cached tracking reads of `codes` (changed by another process: see `CaseChangeFeed`).
    public func forgetCached(_ codes: some Sequence<String>) {
        cache.drop(codes)
    }

    /// Forgets every cached tracking read (changes may have been missed while the feed was down).
    public func forgetAllCached() {
        cache.dropAll()
    }
}
