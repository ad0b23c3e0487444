/// Whether a case is shown to the public (its page, the API without the secret, open data).
///
/// Two things decide it, and both must allow it: what the citizen agreed to at filing, and the case's
/// category *now* (some categories, such as corruption or debt, are never public). It is decided again
/// at every change of category, so a case moved into a private category disappears from public view at
/// once, and a case moved out of one becomes public only if the citizen agreed to that.
///
/// The citizen agreed to publication only when they asked for it (`public`, the default) *and* were
/// told at filing that the case is public: a case filed into a private category was promised privacy,
/// and keeps it even if staff later move it to a public category.
public enum CaseVisibility {
    /// - Parameters:
    ///   - publicAgreed: whether the citizen agreed to publication (for a new filing: asked for it).
    ///   - category: the case's category after the change.
    ///   - privateCategories: the categories never shown to the public (settings).
    public static func isPublic(publicAgreed: Bool, category: String, privateCategories: Set<String>) -> Bool {
        publicAgreed && !privateCategories.contains(category)
    }
}
