/// A vendor-neutral reading name (`pdu.outlet.power_w`) with the unit every device's value is converted to.
public struct Metric: Sendable, Hashable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable {
        case watts = "W", wattHours = "Wh", volts = "V", amperes = "A", seconds = "s", percent = "%"
        case hertz = "Hz", flag = "bool", text = "text"
    }
    public enum Entity: String, Sendable, Hashable { case outlet, inlet, phase }

    public var name: String
    public var unit: Unit
    public var entity: Entity?

    public var description: String { name }

    /// Every metric a profile may name; docs/modbus-profiles.md lists the same table.
    public static let known: [String: Metric] = {
        var table: [String: Metric] = [:]
        func add(_ name: String, _ unit: Unit, _ entity: Entity? = nil) {
            table[name] = Metric(name: name, unit: unit, entity: entity)
        }
        for side in [Entity.inlet, .outlet] {
            add("pdu.\(side).power_w", .watts, side)
            add("pdu.\(side).current_a", .amperes, side)
            add("pdu.\(side).voltage_v", .volts, side)
            add("pdu.\(side).energy_wh", .wattHours, side)
        }
        add("ups.on_battery", .flag)
        add("ups.online", .flag)
        add("ups.load_w", .watts)
        add("ups.load_pct", .percent)
        add("ups.rating_w", .watts)
        add("ups.charge_pct", .percent)
        add("ups.runtime_s", .seconds)
        add("ups.input_voltage_v", .volts)
        add("ups.output_voltage_v", .volts)
        add("ups.model", .text)
        add("ups.serial", .text)
        add("ups.firmware", .text)
        add("meter.power_w", .watts)
        add("meter.energy_import_wh", .wattHours)
        add("meter.energy_export_wh", .wattHours)
        add("meter.phase.power_w", .watts, .phase)
        add("meter.phase.voltage_v", .volts, .phase)
        add("meter.phase.current_a", .amperes, .phase)
        add("meter.frequency_hz", .hertz)
        return table
    }()

    /// The factor from a published unit to this metric's unit; nil when they measure different things.
    public func factor(from published: String) -> Double? { Self.factors[unit]?[published] }

    private static let factors: [Unit: [String: Double]] = [
        .watts: ["W": 1, "kW": 1000, "MW": 1e6],
        .wattHours: ["Wh": 1, "kWh": 1000, "MWh": 1e6],
        .volts: ["V": 1, "kV": 1000],
        .amperes: ["A": 1, "mA": 0.001],
        .seconds: ["s": 1, "min": 60, "h": 3600],
        .percent: ["%": 1],
        .hertz: ["Hz": 1],
        .flag: ["": 1],
        .text: ["": 1],
    ]
}
