import CModbus
import GreencapCore
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Serves simulated devices over Modbus TCP or RTU with libmodbus's server side.
///
/// Requests outside the registers a device defines get exception 2 (illegal data address), as real
/// devices answer single-register reads of undefined registers. Faults come from the scenario file.
public final class ModbusSimulatorServer: @unchecked Sendable {
    public let endpoint: ModbusEndpoint
    private let logger: Logger
    private let scenarioPath: String?
    private let signal = StopSignal()
    private var units: [UInt8: ServedUnit] = [:]
    private var scenarioStamp: (Int, Int)?
    /// Requests answered (or deliberately not), for the exit summary and tests.
    public private(set) var served = 0

    final class ServedUnit {
        let fixtureDevice: SimulatedDevice
        var device: SimulatedDevice
        let mapping: UnsafeMutablePointer<modbus_mapping_t>

        init?(device: SimulatedDevice) {
            guard let mapping = modbus_mapping_new(65536, 65536, 65536, 65536) else { return nil }
            self.fixtureDevice = device
            self.device = device
            self.mapping = mapping
            load()
        }

        deinit { modbus_mapping_free(mapping) }

        func load() {
            for (type, runs) in device.image.runs {
                for run in runs {
                    for (index, word) in run.words.enumerated() {
                        let address = run.start + index
                        switch type {
                        case .holding: mapping.pointee.tab_registers[address] = word
                        case .input: mapping.pointee.tab_input_registers[address] = word
                        case .coil: mapping.pointee.tab_bits[address] = word == 0 ? 0 : 1
                        case .discrete: mapping.pointee.tab_input_bits[address] = word == 0 ? 0 : 1
                        }
                    }
                }
            }
        }

        /// The profile's blocks (what the device's map has) and the fixture's reads (a SunSpec chain, say).
        func defines(_ type: RegisterType, _ range: Range<Int>) -> Bool {
            let base = device.base
            if device.profile.blocks.contains(where: { $0.registerType == type && range.lowerBound >= $0.start + base && range.upperBound <= $0.end + base }) {
                return true
            }
            return device.image.runs[type, default: []].contains { range.lowerBound >= $0.start && range.upperBound <= $0.end }
        }
    }

    public init(endpoint: ModbusEndpoint, devices: [SimulatedDevice], scenarioPath: String?, logger: Logger) throws(SimulatorError) {
        self.endpoint = endpoint
        self.logger = logger
        self.scenarioPath = scenarioPath
        for device in devices {
            guard let unit = ServedUnit(device: device) else { throw .listen("cannot allocate the register map") }
            units[device.unitID] = unit
        }
        reloadScenarioIfChanged()
    }

    public func stop() { signal.stop() }

    /// Serves until `stop()`; `ready` gets the bound TCP port (or 0 for RTU) once requests are accepted.
    public func run(ready: (Int) -> Void) throws(SimulatorError) {
        switch endpoint {
        case .tcp(let host, let port): try serveTCP(host: host, port: port, ready: ready)
        case .rtu: try serveRTU(ready: ready)
        }
    }

    // MARK: Scenario

    private func reloadScenarioIfChanged() {
        guard let scenarioPath else { return }
        var info = stat()
        guard stat(scenarioPath, &info) == 0 else { return }
        let stamp = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec) ^ Int(info.st_size))
        if let last = scenarioStamp, last == stamp { return }
        scenarioStamp = stamp
        do {
            let scenario = try SimulatorScenario.load(path: scenarioPath)
            for unit in units.values {
                var device = unit.fixtureDevice
                try device.apply(scenario.values)
                device.fault = scenario.fault
                unit.device = device
                unit.load()
            }
            logger.info("scenario loaded", metadata: ["file": "\(scenarioPath)", "fault": "\(scenario.fault)", "values": "\(scenario.values.count)"])
        } catch {
            logger.error("scenario refused; serving the previous values", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Requests

    private enum Disposition { case replied, silent, closeConnection }

    private func handle(_ context: OpaquePointer, _ request: UnsafeMutablePointer<UInt8>, length: Int32) -> Disposition {
        served += 1
        let offset = Int(modbus_get_header_length(context))
        let unitID = request[offset - 1]
        let function = request[offset]
        guard let unit = units[unitID] else {
            // A TCP gateway answers for units it has no route to; a serial line stays silent.
            if endpoint.isSerial { return .silent }
            modbus_reply_exception(context, request, 11)
            return .replied
        }
        switch unit.device.fault {
        case .none: break
        case .timeout: return .silent
        case .disconnect: return endpoint.isSerial ? .silent : .closeConnection
        case .exception(let code):
            modbus_reply_exception(context, request, UInt32(code))
            return .replied
        case .delay(let duration): sleepPrecisely(duration)
        case .garbage:
            send(context, [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x13, 0x37])
            return .replied
        case .corruptCRC, .wrongUnit:
            if let frame = faultyFrame(unit: unit, request: request, offset: offset) {
                send(context, frame)
                return .replied
            }
        }
        let address = Int(request[offset + 1]) << 8 | Int(request[offset + 2])
        let count = Int(request[offset + 3]) << 8 | Int(request[offset + 4])
        let table: RegisterType?
        switch function {
        case 1, 5, 15: table = .coil
        case 2: table = .discrete
        case 3, 6, 16: table = .holding
        case 4: table = .input
        default: table = nil
        }
        if let table {
            let span = function == 5 || function == 6 ? 1 : count
            if !unit.defines(table, address..<(address + max(span, 1))) {
                modbus_reply_exception(context, request, 2)
                return .replied
            }
        }
        modbus_reply(context, request, length, unit.mapping)
        return .replied
    }

    /// A register-read answer with the fault applied; nil for other functions (answered normally).
    private func faultyFrame(unit: ServedUnit, request: UnsafeMutablePointer<UInt8>, offset: Int) -> [UInt8]? {
        let function = request[offset]
        guard function == 3 || function == 4 else { return nil }
        let address = Int(request[offset + 1]) << 8 | Int(request[offset + 2])
        let count = min(125, Int(request[offset + 3]) << 8 | Int(request[offset + 4]))
        let table = function == 3 ? unit.mapping.pointee.tab_registers : unit.mapping.pointee.tab_input_registers
        guard let table, address + count <= 65536 else { return nil }
        let words = (0..<count).map { table[address + $0] }
        let pdu = ModbusFrames.readResponsePDU(function: function, words: words)
        let unitID = request[offset - 1]
        let answeringUnit = unit.device.fault == .wrongUnit ? unitID &+ 1 : unitID
        if endpoint.isSerial {
            return ModbusFrames.rtu(unit: answeringUnit, pdu: pdu, corruptCRC: unit.device.fault == .corruptCRC)
        }
        let transaction = UInt16(request[0]) << 8 | UInt16(request[1])
        return ModbusFrames.tcp(
            transaction: transaction, unit: answeringUnit, pdu: pdu, protocolID: unit.device.fault == .corruptCRC ? 0x0BAD : 0)
    }

    private func send(_ context: OpaquePointer, _ bytes: [UInt8]) {
        let fd = modbus_get_socket(context)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    // MARK: TCP

    private func serveTCP(host: String, port: Int, ready: (Int) -> Void) throws(SimulatorError) {
        guard let context = modbus_new_tcp(host, Int32(port)) else { throw .listen("libmodbus refused \(host):\(port)") }
        defer { modbus_free(context) }
        let listener = modbus_tcp_listen(context, 16)
        guard listener >= 0 else { throw .listen("\(host):\(port): \(ModbusError.errorText(errno))") }
        defer { Glibc.close(listener) }
        ready(Self.boundPort(listener))
        var clients: [Int32] = []
        var request = [UInt8](repeating: 0, count: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        while !signal.isStopped {
            reloadScenarioIfChanged()
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)] + clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 200)
            guard ready > 0 else { continue }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 { clients.append(client) }
            }
            for entry in fds.dropFirst() where entry.revents != 0 {
                modbus_set_socket(context, entry.fd)
                let length = request.withUnsafeMutableBufferPointer { modbus_receive(context, $0.baseAddress) }
                var disposition = Disposition.closeConnection
                if length > 0 {
                    disposition = request.withUnsafeMutableBufferPointer { handle(context, $0.baseAddress!, length: length) }
                } else if length == 0 {
                    disposition = .silent
                }
                if disposition == .closeConnection {
                    Glibc.close(entry.fd)
                    clients.removeAll { $0 == entry.fd }
                }
            }
        }
        for client in clients { Glibc.close(client) }
    }

    private static func boundPort(_ socket: Int32) -> Int {
        var address = sockaddr_in()
        var size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &size) }
        }
        return result == 0 ? Int(UInt16(bigEndian: address.sin_port)) : 0
    }

    // MARK: RTU

    private func serveRTU(ready: (Int) -> Void) throws(SimulatorError) {
        guard case .rtu(let device, let baud, let parity, let dataBits, let stopBits) = endpoint else { return }
        var announced = false
        while !signal.isStopped {
            guard let context = modbus_new_rtu(device, Int32(baud), parity.libmodbusCode, Int32(dataBits), Int32(stopBits)) else {
                throw .listen("libmodbus refused \(endpoint)")
            }
            if modbus_connect(context) != 0 {
                let reason = ModbusError.errorText(errno)
                modbus_free(context)
                if !announced { throw .listen("\(device): \(reason)") }
                // The line went away (a pty pair's other side, an unplugged adapter): wait for it to return.
                if signal.wait(.milliseconds(200)) { break }
                continue
            }
            if !announced {
                ready(0)
                announced = true
            }
            let reason = serveFrames(context)
            if !signal.isStopped { logger.warning("serial line lost; reopening", metadata: ["device": "\(device)", "error": "\(reason)"]) }
            modbus_close(context)
            modbus_free(context)
        }
    }

    /// Frames requests off the line ourselves and answers them with `modbus_reply`. libmodbus's own
    /// `modbus_receive` treats the frame after a request for another unit as that unit's answer and drops
    /// it, which on a line where the other unit is absent swallows the next real request.
    private func serveFrames(_ context: OpaquePointer) -> String {
        let fd = modbus_get_socket(context)
        let silence = max(2, Int32(endpoint.interFrameSilence.wholeMilliseconds + 1))
        var frame: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !signal.isStopped {
            reloadScenarioIfChanged()
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, frame.isEmpty ? 200 : silence)
            if ready < 0 { return String(cString: strerror(errno)) }
            if ready == 0 {
                // Silence ended a frame that never completed: line noise or a frame we cannot parse.
                frame.removeAll()
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return count == 0 ? "end of file" : String(cString: strerror(errno)) }
            frame += buffer[0..<count]
            while let length = RTUFraming.requestLength(frame), frame.count >= length {
                let request = Array(frame[0..<length])
                frame.removeFirst(length)
                guard RTUFraming.hasValidCRC(request) else {
                    frame.removeAll()
                    break
                }
                var copy = request
                guard units[request[0]] != nil else { continue }
                modbus_set_slave(context, Int32(request[0]))
                _ = copy.withUnsafeMutableBufferPointer { pointer -> Disposition in
                    guard let base = pointer.baseAddress else { return .silent }
                    return handle(context, base, length: Int32(length))
                }
            }
            if frame.count > 256 { frame.removeAll() }
        }
        return "stopped"
    }
}
