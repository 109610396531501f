/// What one poll of one device produced.
enum DevicePollOutcome {
    case read(RegisterImage, base: Int)
    case failed(ModbusError, request: String)
    /// The device answers but is not what the profile describes (a SunSpec model chain without the model).
    case mismatch(String)
}

/// One device's poll: its once-blocks cached after the first read, its SunSpec model located once,
/// retries of transient failures. Confined to the bus thread.
final class DeviceSession {
    let settings: ModbusDeviceSettings
    let decoder: ProfileDecoder
    private let plan: ReadPlan
    private var onceImage: RegisterImage?
    private var sunspecBase: Int?

    init(settings: ModbusDeviceSettings) {
        self.settings = settings
        self.decoder = ProfileDecoder(profile: settings.profile)
        self.plan = ReadPlan(profile: settings.profile, maxRegistersPerRead: settings.connection.maxRegistersPerRead)
    }

    /// Forgets what was learned at connect (ratings, model location): the device may have been replaced.
    func reset() {
        onceImage = nil
        sunspecBase = nil
    }

    func poll(on link: BusLink, retries: Int) -> DevicePollOutcome {
        let base: Int
        if let sunspec = settings.profile.sunspec {
            if let known = sunspecBase {
                base = known
            } else {
                do {
                    let located = try SunSpecDiscovery.locate(base: sunspec.base, models: sunspec.models) { (start, count) throws(ModbusError) in
                        try self.read(on: link, .holding, start: start, count: count, retries: retries)
                    }
                    switch located {
                    case .success(let address): base = address
                    case .failure(let failure): return .mismatch(failure.description)
                    }
                    sunspecBase = base
                } catch {
                    return .failed(error, request: "SunSpec model discovery at \(sunspec.base)")
                }
            }
        } else {
            base = 0
        }
        var image = onceImage ?? RegisterImage()
        // Ratings and names are read on the first poll only, and kept from then on.
        var once = onceImage == nil ? RegisterImage() : nil
        for request in plan.requests where request.period == .poll || once != nil {
            let start = request.start + base
            do {
                let words = try read(on: link, request.registerType, start: start, count: request.count, retries: retries)
                image.store(words, type: request.registerType, at: start)
                if request.period == .once { once?.store(words, type: request.registerType, at: start) }
            } catch {
                return .failed(error, request: "block \(request.block): \(request.count) \(request.registerType.rawValue) from \(start)")
            }
        }
        if let once { onceImage = once }
        return .read(image, base: base)
    }

    private func read(on link: BusLink, _ type: RegisterType, start: Int, count: Int, retries: Int) throws(ModbusError) -> [UInt16] {
        var attempt = 0
        while true {
            do {
                return try link.request(unit: settings.unitID, type, start: start, count: count, settings: settings.connection)
            } catch {
                guard error.isTransient, attempt < retries else { throw error }
                attempt += 1
            }
        }
    }
}
