/// The inverse of `ProfileDecoder`: the registers a device would hold for a value in a point's published
/// unit. The simulator uses it to serve scenario values; tests use it to build register images.
extension ProfileDecoder {
    public enum EncodeError: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownPoint(String)
        case needsReference(String)
        case wrongKind(String)

        public var description: String {
            switch self {
            case .unknownPoint(let key): "no point (or entity) \(key) in this profile"
            case .needsReference(let detail): detail
            case .wrongKind(let detail): detail
            }
        }
    }

    /// Writes `value` for instance `key` (`point` or `point[k]`) into `image`.
    public func encode(_ value: PointValue, for key: String, into image: inout RegisterImage, base: Int = 0) throws(EncodeError) {
        guard let index = instanceIndex(key) else { throw .unknownPoint(key) }
        let instance = instances[index]
        let point = profile.points[instance.point]
        let raw: RawValue
        switch (value, point.dataType) {
        case (.flag(let flag), .bits):
            // A bit shares its register with others: keep them.
            let start = instance.registers.lowerBound + base
            let current = image.withWords(point.registerType, start..<(start + point.registerCount)) {
                RegisterDecoding.bits($0, byteOrder: point.byteOrder, wordOrder: point.wordOrder)
            } ?? 0
            let mask = UInt64(1) << UInt64(point.bit ?? 0)
            raw = .unsigned(flag ? current | mask : current & ~mask)
            let words = RegisterDecoding.encode(raw, as: .u32, registers: point.registerCount, byteOrder: point.byteOrder, wordOrder: point.wordOrder)
            image.store(words, type: point.registerType, at: start)
            return
        case (.flag(let flag), _): raw = .flag(flag)
        case (.text(let text), .string): raw = .text(text)
        case (.number(let number), let type) where ![.string, .bits, .bool].contains(type):
            raw = try rawNumber(number, point: point, image: image, base: base)
        case (.invalid, _):
            guard let sentinel = point.invalidRaw.first else { throw .wrongKind("\(key) has no invalid sentinel to serve") }
            raw = .integer(sentinel)
        default:
            throw .wrongKind("\(key) is a \(point.dataType.rawValue); cannot hold \(value)")
        }
        let words = RegisterDecoding.encode(
            raw, as: point.dataType, registers: point.registerCount, byteOrder: point.byteOrder, wordOrder: point.wordOrder,
            bit: point.bit, charsPerRegister: point.charsPerRegister)
        image.store(words, type: point.registerType, at: instance.registers.lowerBound + base)
    }

    private func rawNumber(_ target: Double, point: Point, image: RegisterImage, base: Int) throws(EncodeError) -> RawValue {
        var value = target
        if let name = point.percentOf {
            guard let reference = instanceIndex(name), case .number(let rating) = decode(image, base: base)[reference], rating != 0 else {
                throw .needsReference("set \(name) (non-zero) before \(point.id): \(point.id) is a percentage of it")
            }
            value = target * 100 / rating
        }
        value -= point.offset
        let unscaled: Double
        switch point.scaling {
        case .none: unscaled = value
        case .multiplier(let factor): unscaled = value / factor
        case .divisor(let divisor): unscaled = value * divisor
        case .pow10(let exponent): unscaled = value / power10(exponent)
        case .binaryPoint(let bits): unscaled = value * Double(UInt64(1) << UInt64(bits))
        case .scaleRegister(let name):
            guard let reference = instanceIndex(name), case .number(let exponent) = decode(image, base: base)[reference] else {
                throw .needsReference("set \(name) before \(point.id): \(point.id) is scaled by it")
            }
            unscaled = value / power10(Int(exponent))
        }
        switch point.dataType {
        case .f32, .f64: return .real(unscaled)
        case .u16, .u32, .u64: return .unsigned(UInt64(max(0, unscaled.rounded())))
        default: return .integer(Int64(unscaled.rounded()))
        }
    }
}
