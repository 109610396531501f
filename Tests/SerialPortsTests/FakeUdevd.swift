import Foundation

/// Broadcasts uevents in udevd's own wire format, so the default (udev) monitor can be tested end to end
/// on a machine where no udevd runs.
///
/// The format is systemd's monitor_netlink_header (src/libsystemd/sd-device/device-monitor.c): "libudev",
/// a magic number, offsets, and hashes that the receiver's socket filter checks, then the properties as
/// NUL-separated KEY=value strings. Only root may send to the udev multicast group.
enum FakeUdevd {
    static let udevGroup: UInt32 = 2
    static let netlinkKobjectUevent: Int32 = 15

    static func broadcast(_ properties: KeyValuePairs<String, String>) throws {
        let descriptor = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkKobjectUevent)
        guard descriptor >= 0 else { throw FakeUdevdError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let message = encode(properties)
        // struct sockaddr_nl: family, padding, port id 0 (the kernel), the destination group mask.
        var address = [UInt8]()
        address += withUnsafeBytes(of: UInt16(AF_NETLINK)) { Array($0) }
        address += [0, 0]
        address += withUnsafeBytes(of: UInt32(0)) { Array($0) }
        address += withUnsafeBytes(of: udevGroup) { Array($0) }
        let sent = message.withUnsafeBytes { body in
            address.withUnsafeBytes { raw in
                sendto(descriptor, body.baseAddress, body.count, 0,
                       raw.baseAddress?.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
            }
        }
        guard sent == message.count else { throw FakeUdevdError("sendto: \(String(cString: strerror(errno)))") }
    }

    static func encode(_ properties: KeyValuePairs<String, String>) -> [UInt8] {
        var body: [UInt8] = []
        var subsystem = ""
        for (key, value) in properties {
            body += Array("\(key)=\(value)".utf8) + [0]
            if key == "SUBSYSTEM" { subsystem = value }
        }
        let headerSize: UInt32 = 40
        var header = Array("libudev".utf8) + [0]
        for field in [
            UInt32(0xfeed_cafe).bigEndian, headerSize, headerSize, UInt32(body.count),
            murmurHash2(Array(subsystem.utf8)).bigEndian, 0, 0, 0,
        ] {
            header += withUnsafeBytes(of: field) { Array($0) }
        }
        return header + body
    }

    /// systemd's string_hash32: MurmurHash2 with seed 0, reading little-endian words.
    static func murmurHash2(_ data: [UInt8]) -> UInt32 {
        let m: UInt32 = 0x5bd1_e995
        var hash = UInt32(data.count)
        var index = 0
        while data.count - index >= 4 {
            var k = UInt32(data[index]) | UInt32(data[index + 1]) << 8 | UInt32(data[index + 2]) << 16 | UInt32(data[index + 3]) << 24
            k &*= m
            k ^= k >> 24
            k &*= m
            hash &*= m
            hash ^= k
            index += 4
        }
        let tail = data.count - index
        if tail >= 3 { hash ^= UInt32(data[index + 2]) << 16 }
        if tail >= 2 { hash ^= UInt32(data[index + 1]) << 8 }
        if tail >= 1 {
            hash ^= UInt32(data[index])
            hash &*= m
        }
        hash ^= hash >> 13
        hash &*= m
        hash ^= hash >> 15
        return hash
    }
}

struct FakeUdevdError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
