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

    /// What decoding needs from one point, copied out of `Point` once and free of strings and arrays, so
    /// the poll loop reads fields in place. Copying a whole `Point` per instance (its strings, arrays and
    /// key-line dictionary, retained and released) was most of a decode.
    struct Layout: Sendable {
        enum Scale: Sendable {
            case none
            case multiply(Double)
            /// By the power of ten held in the instance's `scaleSource`.
            case scaleRegister
        }

        var registerType: RegisterType
        var dataType: DataType
        var byteOrder: Endianness
        var wordOrder: Endianness
        var bit: Int?
        var charsPerRegister: Int
        var registerCount: Int
        var scale: Scale
        var divisor: Double?
        var isPercentage: Bool
        var offset: Double
        /// Where this point's raw sentinels lie in `sentinels`.
        var sentinels: Range<Int>
        var invalidBelow: Double?
        var invalidAbove: Double?
        /// From the published unit to the metric's unit (1 without a metric).
        var unitFactor: Double
    }

    public let profile: DeviceProfile
    public let instances: [Instance]
    /// Instances ordered so that every reference is decoded before the instance that uses it.
    private let order: [Int]
    /// One per point, in `profile.points` order.
    let layouts: [Layout]
    /// Every point's `invalid` values, end to end.
    private let sentinels: [Int64]
    /// One per point: its metric, so `readings` need not copy the point either.
    let metrics: [Metric?]

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
        var sentinels: [Int64] = []
        var layouts: [Layout] = []
        for point in profile.points {
            let scale: Layout.Scale
            var divisor: Double?
            switch point.scaling {
            case .none: scale = .none
            case .multiplier(let factor): scale = .multiply(factor)
            // Divided, not multiplied by the reciprocal, so values stay bit-identical to the fixtures' checks.
            case .divisor(let value): (scale, divisor) = (.none, value)
            case .pow10(let exponent): scale = .multiply(power10(exponent))
            case .binaryPoint(let bits): (scale, divisor) = (.none, Double(UInt64(1) << UInt64(bits)))
            case .scaleRegister: scale = .scaleRegister
            }
            let first = sentinels.count
            sentinels += point.invalidRaw
            layouts.append(Layout(
                registerType: point.registerType, dataType: point.dataType, byteOrder: point.byteOrder, wordOrder: point.wordOrder,
                bit: point.bit, charsPerRegister: point.charsPerRegister, registerCount: point.registerCount, scale: scale,
                divisor: divisor, isPercentage: point.percentOf != nil, offset: point.offset, sentinels: first..<sentinels.count,
                invalidBelow: point.invalidBelow, invalidAbove: point.invalidAbove,
                unitFactor: point.metric.flatMap { $0.factor(from: point.unit) } ?? 1))
        }
        self.layouts = layouts
        self.sentinels = sentinels
        self.metrics = profile.points.map(\.metric)
    }

    /// Decodes every instance; `base` is added to addresses (the SunSpec model's ID register, else 0).
    public func decode(_ image: RegisterImage, base: Int = 0) -> [PointValue] {
        var values = [PointValue](repeating: .missing, count: instances.count)
        for index in order {
            let value = decode(instances[index], image: image, base: base, decoded: values)
            values[index] = value
        }
        return values
    }

    private func decode(_ instance: Instance, image: RegisterImage, base: Int, decoded: [PointValue]) -> PointValue {
        let layout = layouts[instance.point]
        if let source = instance.countSource, let entity = instance.entity {
            guard case .number(let count) = decoded[source], Double(entity) <= count else { return .missing }
        }
        let range = (instance.registers.lowerBound + base)..<(instance.registers.upperBound + base)
        let decodedRaw = image.withWords(layout.registerType, range) { words in
            RegisterDecoding.decode(
                words, as: layout.dataType, byteOrder: layout.byteOrder, wordOrder: layout.wordOrder, bit: layout.bit,
                charsPerRegister: layout.charsPerRegister)
        }
        guard let raw = decodedRaw else { return .missing }
        switch raw {
        case .flag(let on): return .flag(on)
        case .text(let text): return .text(text)
        default: break
        }
        if let key = raw.sentinelKey, isSentinel(key, layout.sentinels) {
            return .invalid(reason: "the device reports \(hex(key, registers: layout.registerCount)) (not available)")
        }
        guard let number = raw.number, number.isFinite else { return .invalid(reason: "not a finite number") }
        if let low = layout.invalidBelow, number < low { return .invalid(reason: "code \(formatted(number)) (below \(formatted(low)))") }
        if let high = layout.invalidAbove, number > high { return .invalid(reason: "code \(formatted(number)) (above \(formatted(high)))") }
        var scaled = number
        switch layout.scale {
        case .none: break
        case .multiply(let factor): scaled = number * factor
        case .scaleRegister:
            guard let source = instance.scaleSource, case .number(let exponent) = decoded[source] else {
                return .invalid(reason: "its scale factor \(references(instance).scale) is unavailable")
            }
            scaled = number * power10(Int(exponent))
        }
        if let divisor = layout.divisor { scaled /= divisor }
        guard layout.isPercentage else { return .number(scaled + layout.offset) }
        guard let source = instance.ratingSource, case .number(let rating) = decoded[source] else {
            return .invalid(reason: "the rating \(references(instance).rating) it is a percentage of is unavailable")
        }
        return .number((scaled + layout.offset) / 100 * rating)
    }

    /// The ids an instance refers to, for messages only: off the hot path, since it copies the point.
    private func references(_ instance: Instance) -> (scale: String, rating: String) {
        let point = profile.points[instance.point]
        var scale = ""
        if case .scaleRegister(let name) = point.scaling { scale = name }
        return (scale, point.percentOf ?? "")
    }

    private func isSentinel(_ key: Int64, _ range: Range<Int>) -> Bool {
        for index in range where sentinels[index] == key { return true }
        return false
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
