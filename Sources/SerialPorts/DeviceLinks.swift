/// The stable names under /dev/serial, keyed by the device node they point at.
///
/// udev records a device's links in its database (/run/udev/data), and libudev reports them from there.
/// Where that database is missing (a container that shares the host's /dev but not /run/udev) the links
/// themselves still resolve, so the catalog reads both and merges them.
package struct DeviceLinks: Sendable {
    package static let defaultRoot = "/dev/serial"

    private var byID: [String: [String]] = [:]
    private var byPath: [String: [String]] = [:]

    /// Reads `root`/by-id and `root`/by-path; a missing directory (no udev rules ran) is simply empty.
    package static func scan(root: String = defaultRoot) -> DeviceLinks {
        var links = DeviceLinks()
        links.byID = table(root + "/by-id")
        links.byPath = table(root + "/by-path")
        return links
    }

    /// Links to `devnode`, merged with the ones udev reported, each family sorted and without duplicates.
    package func links(to devnode: String, udev: [String] = []) -> (byID: [String], byPath: [String]) {
        let target = FileSystem.realPath(devnode) ?? devnode
        let fromUdevByID = udev.filter { $0.contains("/serial/by-id/") }
        let fromUdevByPath = udev.filter { $0.contains("/serial/by-path/") }
        return (
            Array(Set(fromUdevByID + byID[target, default: []])).sorted(),
            Array(Set(fromUdevByPath + byPath[target, default: []])).sorted()
        )
    }

    private static func table(_ directory: String) -> [String: [String]] {
        var table: [String: [String]] = [:]
        for name in FileSystem.entries(of: directory) {
            let link = directory + "/" + name
            // A dangling link (adapter just unplugged) resolves to nothing and is left out.
            guard let target = FileSystem.realPath(link) else { continue }
            table[target, default: []].append(link)
        }
        return table
    }
}
