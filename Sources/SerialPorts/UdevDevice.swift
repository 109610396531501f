import CUdev

/// A borrowed `udev_device`: string accessors that turn libudev's NULLs into optionals.
///
/// Does not own the pointer. A parent returned by libudev lives as long as its child, so a view of a
/// parent must not outlive the view of the device it came from.
struct UdevDevice {
    let pointer: OpaquePointer

    var syspath: String? { Self.string(udev_device_get_syspath(pointer)) }
    var sysname: String? { Self.string(udev_device_get_sysname(pointer)) }
    var devnode: String? { Self.string(udev_device_get_devnode(pointer)) }
    var subsystem: String? { Self.string(udev_device_get_subsystem(pointer)) }
    var driver: String? { Self.string(udev_device_get_driver(pointer)) }
    var action: String? { Self.string(udev_device_get_action(pointer)) }

    var parent: UdevDevice? { udev_device_get_parent(pointer).map(UdevDevice.init) }

    func parent(subsystem: String, devtype: String) -> UdevDevice? {
        udev_device_get_parent_with_subsystem_devtype(pointer, subsystem, devtype).map(UdevDevice.init)
    }

    /// A sysfs attribute with the kernel's trailing newline and padding removed; nil when absent or empty.
    func attribute(_ name: String) -> String? {
        guard let value = Self.string(udev_device_get_sysattr_value(pointer, name)) else { return nil }
        let trimmed = value.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The device and its ancestors, nearest first.
    var lineage: [UdevDevice] {
        var chain = [self]
        while let next = chain[chain.count - 1].parent { chain.append(next) }
        return chain
    }

    /// Symlinks udev made for the device (its DEVLINKS); empty where no udevd has processed it.
    var devlinks: [String] {
        var links: [String] = []
        var entry = udev_device_get_devlinks_list_entry(pointer)
        while let current = entry {
            if let name = Self.string(udev_list_entry_get_name(current)) { links.append(name) }
            entry = udev_list_entry_get_next(current)
        }
        return links
    }

    /// String(cString:) repairs invalid UTF-8, which a USB descriptor string may hold.
    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace || $0 == "\0" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
