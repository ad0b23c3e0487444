/// An entry of the error summary (`errors.mustache`), linked to its form field when it has one.
struct FormError: Sendable {
    var message: String
    /// The `id` of the field the message is about.
    var field: String?
}

/// One `<option>` of a select list.
struct SelectOption: Sendable {
    var code: String
    var name: String
    var selected: Bool = false
}
