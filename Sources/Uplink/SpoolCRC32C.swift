/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) over each spool record.
///
/// The spool's own, rather than Wire's: Uplink must not link the network stack (Wire depends on NIO), and a
/// byte-at-a-time table is enough here — records are checked once at open and once when handed out.
enum SpoolCRC32C {
    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 == 0 ? 0 : 0x82F6_3B78) }
        return crc
    }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes { crc = (crc >> 8) ^ table[Int((crc ^ UInt32(byte)) & 0xFF)] }
            return ~crc
        }
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { checksum($0) } }
}
