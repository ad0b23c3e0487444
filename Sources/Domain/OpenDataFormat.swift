/// The format of an open-data export.
public enum OpenDataFormat: Sendable {
    /// CSV with a header row (RFC 4180 quoting).
    case csv
    /// One JSON object per line, keys in the published order.
    case jsonLines
}
