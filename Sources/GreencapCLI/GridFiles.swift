import Foundation
import GreencapCore
import Grid

/// KPX files as published, read and merged into one row per hour for one region: what `grid import`
/// prints and what `grid backtest`, `grid forecast` and `grid windows` replay.
struct GridFiles {
    var region: String
    var merge: FeedMerge

    /// `paths` are files or directories (every regular file below a directory, in name order).
    /// Progress and warnings go to standard error.
    static func load(_ paths: [String], region requested: String?, quantity: [GridQuantityOption]) throws -> GridFiles {
        var inputs: [(file: String, text: String, layout: KPXLayout)] = []
        for file in try expand(paths) {
            let bytes: [UInt8]
            do {
                bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw CLIError("\(file): cannot read: \(error.localizedDescription)")
            }
            do {
                let text = try KPXText.decode(bytes, file: file)
                inputs.append((file, text, try KPXFile.layout(of: text, file: file)))
            } catch {
                throw CLIError("\(error)")
            }
        }
        guard !inputs.isEmpty else { throw CLIError("no files found in \(paths.joined(separator: ", "))") }
        let region = requested ?? (inputs.allSatisfy { $0.layout.impliedRegion == "KR-49" } ? "KR-49" : "KR-46")
        let stated = try GridQuantityOption.resolve(quantity, for: inputs.map { ($0.file, $0.layout) })

        var merge = FeedMerge(region: region)
        for input in inputs {
            do {
                let imported = try KPXFile.parse(input.text, file: input.file, region: region, quantity: stated[input.file])
                for warning in imported.warnings { standardError("\(input.file): warning: \(warning)") }
                standardError("\(input.file): \(imported.layout) layout, \(imported.hours.count) hours for \(region)")
                try merge.add(imported)
            } catch {
                throw CLIError("\(error)")
            }
        }
        for warning in merge.warnings { standardError("warning: \(warning)") }
        return GridFiles(region: region, merge: merge)
    }

    /// The merged hours as a history for forecasting and backtests.
    var history: GridHistory { GridHistory(region: region, hours: merge.hours) }

    private static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CLIError("\(path): no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let walker = FileManager.default.enumerator(atPath: path) else { throw CLIError("\(path): cannot list the directory") }
            var found: [String] = []
            for case let relative as String in walker {
                let full = path + "/" + relative
                var nested: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue,
                    !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }),
                    relative.lowercased().hasSuffix(".csv")
                {
                    found.append(full)
                }
            }
            files.append(contentsOf: found.sorted())
        }
        return files
    }
}

func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
