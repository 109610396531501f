/// Finds a SunSpec model's ID register by walking the model chain from the `SunS` marker.
enum SunSpecDiscovery {
    static let marker: [UInt16] = [0x5375, 0x6E53]  // "SunS"
    static let endOfChain: UInt16 = 0xFFFF

    enum Failure: Error, Equatable, CustomStringConvertible {
        case noMarker(base: Int, found: [UInt16])
        case modelNotFound(wanted: [Int], seen: [Int])
        case chainTooLong

        var description: String {
            switch self {
            case .noMarker(let base, let found):
                "no SunSpec marker \"SunS\" at \(base) (found \(found.map { hex(Int64($0), registers: 1) }.joined(separator: " "))); check the unit id and the profile's [sunspec] base"
            case .modelNotFound(let wanted, let seen):
                "the device's SunSpec models are \(seen.map(String.init).joined(separator: ", ")); this profile decodes \(wanted.map(String.init).joined(separator: ", "))"
            case .chainTooLong: "the SunSpec model chain does not end before address 65535"
            }
        }
    }

    /// `read(start, count)` reads holding registers; returns the address of the wanted model's ID register.
    static func locate(
        base: Int, models: [Int], read: (Int, Int) throws(ModbusError) -> [UInt16]
    ) throws(ModbusError) -> Result<Int, Failure> {
        let head = try read(base, 2)
        guard head == marker else { return .failure(.noMarker(base: base, found: head)) }
        var address = base + 2
        var seen: [Int] = []
        while address + 2 <= 65536 {
            let header = try read(address, 2)
            let id = Int(header[0])
            if header[0] == endOfChain { return .failure(.modelNotFound(wanted: models, seen: seen)) }
            if models.contains(id) { return .success(address) }
            seen.append(id)
            address += 2 + Int(header[1])
            if seen.count > 64 { break }
        }
        return .failure(.chainTooLong)
    }
}
