/// Why a catalog could not be opened, written or queried.
public struct CatalogError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// No catalog at the path (or the directory holds no `catalog.sqlite`).
        case missing
        /// A file that is not a Longtail catalog (another SQLite database, or not SQLite).
        case foreign(String)
        /// A catalog written by a newer Longtail.
        case unsupportedVersion(Int)
        /// An event name the catalog does not know.
        case unknownEvent(String, valid: [String])
        /// A value a flag cannot take.
        case invalidArgument(String)
        /// SQLite failed.
        case database(String)
        /// A row whose column is NULL or of the wrong type (a damaged or hand-edited catalog).
        case damagedRow(table: String, id: String, column: String)
    }
    public var path: String
    public var kind: Kind

    public init(path: String, _ kind: Kind) { self.path = path; self.kind = kind }

    public var description: String {
        switch kind {
        case .missing:
            return "\(path): no catalog here (expected catalog.sqlite, written by `longtail scan --out DIR`)"
        case .foreign(let why):
            return "\(path): not a Longtail catalog (\(why))"
        case .unsupportedVersion(let v):
            return "\(path): catalog format \(v) is newer than this Longtail reads (\(Catalog.formatVersion)); upgrade Longtail"
        case .unknownEvent(let name, let valid):
            return "unknown event '\(name)'; valid names: \(valid.joined(separator: ", "))"
        case .invalidArgument(let why):
            return why
        case .database(let why):
            return "\(path): \(why)"
        case .damagedRow(let table, let id, let column):
            return "\(path): damaged catalog row: table \(table), row \(id), column \(column) is NULL or of the wrong type"
        }
    }
}
