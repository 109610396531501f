/// One device on a bus, as the agent config (or a CLI command) names it.
public struct ModbusDeviceSettings: Sendable {
    public var name: String
    public var profile: DeviceProfile
    public var unitID: UInt8
    /// The profile's connection defaults with the device entry's overrides applied.
    public var connection: ConnectionDefaults
    /// Readings older than this are reported stale.
    public var staleAfter: Duration

    public init(name: String, profile: DeviceProfile, unitID: UInt8? = nil, connection: ConnectionDefaults? = nil, staleAfter: Duration = .seconds(5)) {
        self.name = name
        self.profile = profile
        self.connection = connection ?? profile.connection
        self.unitID = unitID ?? self.connection.unitID
        self.staleAfter = staleAfter
    }
}

/// A bus: one TCP endpoint (a gateway may front several unit ids) or one serial line.
public struct ModbusBusSettings: Sendable {
    public var name: String
    public var endpoint: ModbusEndpoint
    public var pollEvery: Duration
    /// The longest a failing device waits between attempts.
    public var backoffLimit: Duration
    public var devices: [ModbusDeviceSettings]

    public init(name: String, endpoint: ModbusEndpoint, pollEvery: Duration = .seconds(1), backoffLimit: Duration = .seconds(60), devices: [ModbusDeviceSettings]) {
        self.name = name
        self.endpoint = endpoint
        self.pollEvery = pollEvery
        self.backoffLimit = backoffLimit
        self.devices = devices
    }
}
