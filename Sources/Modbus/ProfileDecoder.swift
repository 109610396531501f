/// A point's decoded value in its published unit, after scaling.
public enum PointValue: Sendable, Equatable {
    case number(Double)
    case flag(Bool)
    case text(String)
    /// The device said "not available" (a sentinel, NaN, a code below or above the valid range), or a
    /// value it depends on (a scale factor, a rating) was itself unavailable.
    case invalid(reason: String)
    /// The registers were not read (their request failed, or the entity does not exist on this device).
    case missing
}

/// Turns a register image into point values. Compiled once per profile: every entity instance gets its
/// absolute registers and its references resolved to indexes, so a poll's decode is a loop over arrays.
public struct ProfileDecoder: Sendable {
    public struct Instance: Sendable {
        public var point: Int
        /// 1-based entity index; nil for a point that does not repeat.
        public var entity: Int?
        public var registers: Range<Int>
        /// Index of the instance holding this one's scale factor (SunSpec `*_SF`).
        var scaleSource: Int?
        /// Index of the instance this one is a percentage of.
        var ratingSource: Int?
        /// Index of the instance holding this repeated point's entity count, when it comes from the device.
        var countSource: Int?
    }

    public let profile: DeviceProfile
    public let instances: [Instance]
    /// Instances ordered so that every reference is decoded before the instance that uses it.
    private let order: [Int]

    public init(profile: DeviceProfile) {
        self.profile = profile
        var instances: [Instance] = []
        var firstInstance: [String: Int] = [:]
        for (index, point) in profile.points.enumerated() {
            firstInstance[point.id] = instances.count
            let count = point.repetition?.maximum ?? 1
            for entity in 1...max(count, 1) {
                instances.append(Instance(
                    point: index, entity: point.repetition == nil ? nil : entity,
                    registers: point.registers(entity: entity)))
            }
        }
        for index in instances.indices {
            let point = profile.points[instances[index].point]
            if case .scaleRegister(let name) = point.scaling { instances[index].scaleSource = firstInstance[name] }
            if let name = point.percentOf { instances[index].ratingSource = firstInstance[name] }
            if case .fromPoint(let name, _) = point.repetition?.count { instances[index].countSource = firstInstance[name] }
        }
        // References point at plain values (the loader refuses chains), so two passes order everything.
        func depends(_ instance: Instance) -> Bool {
            instance.scaleSource != nil || instance.ratingSource != nil || instance.countSource != nil
        }
        let independent = instances.indices.filter { !depends(instances[$0]) }
        let dependent = instances.indices.filter { depends(instances[$0]) }
        self.instances = instances
        self.order = independent + dependent
    }

    /// Decodes every instance; `base` is added to addresses (the SunSpec model's ID register, else 0).
    public func decode(_ image: RegisterImage, base: Int = 0) -> [PointValue] {
        var values = [PointValue](repeating: .missing, count: instances.count)
        for index in order {
            values[index] = decode(instances[index], image: image, base: base, decoded: values)
        }
        return values
    }

    private func decode(_ instance: Instance, image: RegisterImage, base: Int, decoded: [PointValue]) -> PointValue {
        let point = profile.points[instance.point]
        if let source = instance.countSource, let entity = instance.entity {
            guard case .number(let count) = decoded[source], Double(entity) <= count else { return .missing }
        }
        let range = (instance.registers.lowerBound + base)..<(instance.registers.upperBound + base)
        let decodedRaw = image.withWords(point.registerType, range) { words in
            RegisterDecoding.decode(
                words, as: point.dataType, byteOrder: point.byteOrder, wordOrder: point.wordOrder, bit: point.bit,
                charsPerRegister: point.charsPerRegister)
        }
        guard let raw = decodedRaw else { return .missing }
        switch raw {
        case .flag(let on): return .flag(on)
        case .text(let text): return .text(text)
        default: break
        }
        if let key = raw.sentinelKey, point.invalidRaw.contains(key) {
            return .invalid(reason: "the device reports \(hex(key, registers: point.registerCount)) (not available)")
        }
        guard let number = raw.number, number.isFinite else { return .invalid(reason: "not a finite number") }
        if let low = point.invalidBelow, number < low { return .invalid(reason: "code \(formatted(number)) (below \(formatted(low)))") }
        if let high = point.invalidAbove, number > high { return .invalid(reason: "code \(formatted(number)) (above \(formatted(high)))") }
        let scaled: Double
        switch point.scaling {
        case .none: scaled = number
        case .multiplier(let factor): scaled = number * factor
        case .divisor(let divisor): scaled = number / divisor
        case .pow10(let exponent): scaled = number * power10(exponent)
        case .binaryPoint(let bits): scaled = number / Double(UInt64(1) << UInt64(bits))
        case .scaleRegister(let name):
            guard let source = instance.scaleSource, case .number(let exponent) = decoded[source] else {
                return .invalid(reason: "its scale factor \(name) is unavailable")
            }
            scaled = number * power10(Int(exponent))
        }
        guard let name = point.percentOf else { return .number(scaled + point.offset) }
        guard let source = instance.ratingSource, case .number(let rating) = decoded[source] else {
            return .invalid(reason: "the rating \(name) it is a percentage of is unavailable")
        }
        return .number((scaled + point.offset) / 100 * rating)
    }
}

@inline(__always)
func power10(_ exponent: Int) -> Double {
    let table: [Double] = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]
    if exponent >= 0 { return exponent < table.count ? table[exponent] : 1e10 }
    return -exponent < table.count ? 1 / table[-exponent] : 1e-10
}

func hex(_ value: Int64, registers: Int) -> String {
    let width = min(16, max(4, registers * 4))
    let mask: UInt64 = width >= 16 ? .max : (1 << UInt64(width * 4)) - 1
    let digits = String(UInt64(bitPattern: value) & mask, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, min(width, 16) - digits.count)) + digits
}

/// A number as a person writes it: no trailing ".0" on integers.
func formatted(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return "\(value)"
}
