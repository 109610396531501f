import ArgumentParser
import Grid

/// `--quantity solar` (every file whose header names none) or `--quantity FILE=solar` (that file).
struct GridQuantityOption: ExpressibleByArgument {
    var file: String?
    var quantity: FeedQuantity

    init?(argument: String) {
        let parts = argument.split(separator: "=", omittingEmptySubsequences: false)
        guard let last = parts.last, let quantity = FeedQuantity(rawValue: String(last).lowercased()) else { return nil }
        self.quantity = quantity
        file = parts.count > 1 ? parts.dropLast().joined(separator: "=") : nil
    }

    /// The quantity stated for each file. A per-file statement must name a file being imported, and one
    /// whose header could need it; a general one fills in only for headers that name no quantity; the file
    /// name fills in what is still open.
    static func resolve(_ options: [GridQuantityOption], for files: [(file: String, layout: KPXLayout)]) throws -> [String: FeedQuantity] {
        var stated: [String: FeedQuantity] = [:]
        let general = options.filter { $0.file == nil }
        guard general.count <= 1 else {
            throw CLIError("--quantity without a file given more than once; name the file: --quantity FILE=\(general[1].quantity.rawValue)")
        }
        for option in options {
            guard let file = option.file else { continue }
            guard let input = files.first(where: { $0.file == file }) else {
                throw CLIError("--quantity \(file)=\(option.quantity.rawValue): \(file) is not among the files to import")
            }
            if input.layout.kind == .regionalWide || input.layout.kind == .regionalLong {
                throw CLIError("--quantity \(file)=\(option.quantity.rawValue): a regional file names solar and wind in its own columns")
            }
            stated[file] = option.quantity
        }
        if let general = general.first {
            for input in files where !input.layout.namesQuantity && stated[input.file] == nil { stated[input.file] = general.quantity }
        }
        // Last, the file's own name ("…jeju_solar_hourly…", "…제주 풍력…"): an operator's word comes first.
        for input in files where !input.layout.namesQuantity && stated[input.file] == nil {
            if let named = KPXFile.quantity(fromFileName: input.file) { stated[input.file] = named }
        }
        return stated
    }
}
