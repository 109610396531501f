import Modbus
import Testing

@Suite("Register decoding: our own, per point, against real captures")
struct RegisterDecodingTests {
    @Test("Eastron SDM630 capture 43 66 33 34 decodes to 230.2 V (f32 ABCD)")
    func sdm630Golden() {
        let value = RegisterDecoding.decode([0x4366, 0x3334], as: .f32)
        guard case .real(let volts) = value else { Issue.record("not a real: \(value)"); return }
        #expect(abs(volts - 230.2) < 1e-4)
    }

    @Test("123456.0 in each of the four wire orders decodes with the matching byte and word order", arguments: [
        ([UInt16(0x47F1), 0x2000], Endianness.big, Endianness.big),  // ABCD
        ([0x2000, 0x47F1], .big, .little),  // CDAB
        ([0xF147, 0x0020], .little, .big),  // BADC
        ([0x0020, 0xF147], .little, .little),  // DCBA
    ])
    func floatOrders(words: [UInt16], byteOrder: Endianness, wordOrder: Endianness) {
        #expect(RegisterDecoding.decode(words[...], as: .f32, byteOrder: byteOrder, wordOrder: wordOrder) == .real(123456.0))
        // The same words in any other order are a different number: the test would catch a swapped order.
        let other: Endianness = wordOrder == .big ? .little : .big
        #expect(RegisterDecoding.decode(words[...], as: .f32, byteOrder: byteOrder, wordOrder: other) != .real(123456.0))
    }

    @Test("Integers: signed 16, big-endian 32 (APC runtime), CDAB 32 (Carlo Gavazzi), 64-bit Wh (Schneider)")
    func integers() {
        #expect(RegisterDecoding.decode([0xFFFE], as: .i16) == .integer(-2))
        #expect(RegisterDecoding.decode([0xFFFE], as: .u16) == .unsigned(65534))
        #expect(RegisterDecoding.decode([0x0001, 0x0E10], as: .u32) == .unsigned(69_136))
        #expect(RegisterDecoding.decode([0x0E10, 0x0001], as: .u32, wordOrder: .little) == .unsigned(69_136))
        #expect(RegisterDecoding.decode([0xFFFF, 0xFFFF], as: .i32) == .integer(-1))
        #expect(RegisterDecoding.decode([0x0000, 0x0000, 0x0012, 0xD687], as: .i64) == .integer(1_234_567))
        #expect(RegisterDecoding.decode([0x8000, 0, 0, 0], as: .i64) == .integer(Int64.min))
    }

    @Test("APC strings: two characters per register, MSB first, space padding trimmed; control bytes masked")
    func strings() {
        let words: [UInt16] = [0x534D, 0x5431, 0x3530, 0x3020, 0x2020]  // "SMT1500   "
        #expect(RegisterDecoding.decode(words[...], as: .string) == .text("SMT1500"))
        #expect(RegisterDecoding.decode([0x4101, 0x4200], as: .string) == .text("A?B"))
        #expect(RegisterDecoding.decode([0x0041, 0x0042], as: .string, charsPerRegister: 1) == .text("AB"))
    }

    @Test("Bits of a u32 status word (APC on-battery is bit 2, overload bit 21)")
    func bits() {
        #expect(RegisterDecoding.decode([0x0000, 0x0004], as: .bits, bit: 2) == .flag(true))
        #expect(RegisterDecoding.decode([0x0000, 0x0002], as: .bits, bit: 2) == .flag(false))
        #expect(RegisterDecoding.decode([0x0020, 0x0000], as: .bits, bit: 21) == .flag(true))
    }

    @Test("encode is the inverse of decode for every numeric type and order")
    func roundTrip() {
        let cases: [(DataType, Int, RawValue)] = [
            (.u16, 1, .unsigned(51200)), (.i16, 1, .integer(-32768)), (.u32, 2, .unsigned(4_000_000_000)),
            (.i32, 2, .integer(-123_456_789)), (.u64, 4, .unsigned(UInt64.max - 5)), (.i64, 4, .integer(-9_876_543_210)),
            (.f32, 2, .real(-1.5)), (.f64, 4, .real(2.718281828459045)),
        ]
        for (type, registers, value) in cases {
            for byteOrder in [Endianness.big, .little] {
                for wordOrder in [Endianness.big, .little] {
                    let words = RegisterDecoding.encode(value, as: type, registers: registers, byteOrder: byteOrder, wordOrder: wordOrder)
                    #expect(words.count == registers)
                    let back = RegisterDecoding.decode(words[...], as: type, byteOrder: byteOrder, wordOrder: wordOrder)
                    #expect(back == value, "\(type) \(byteOrder)/\(wordOrder): \(words)")
                }
            }
        }
    }
}
