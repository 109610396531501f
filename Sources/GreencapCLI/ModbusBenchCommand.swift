import ArgumentParser

/// `greencap modbus bench`: placeholder, filled in by the benchmark work.
struct ModbusBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure decode cost and poll overhead.", shouldDisplay: false)
    func run() throws {}
}
