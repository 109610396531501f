#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a KPX file's bytes into text. KPX publishes CP949 (EUC-KR with Microsoft's extensions); a mirror
/// or a re-saved file may be UTF-8. Anything that is neither is an error naming the line, never guessed.
public enum KPXText {
    public static func decode(_ bytes: [UInt8], file: String) throws(FeedFileError) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        if let text = String(validating: body, as: UTF8.self) { return text }
        do throws(Damage) {
            return try cp949(Array(body), file: file)
        } catch {
            // Neither encoding fits. Name the spot where the likelier one (the one that got further) broke.
            let utf8Offset = firstInvalidUTF8(body)
            guard utf8Offset > error.byteOffset else { throw error.located }
            throw damaged(Array(body), at: utf8Offset, file: file).located
        }
    }

    /// Byte offset of the first byte that is not well-formed UTF-8.
    static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }

    struct Damage: Error {
        var byteOffset: Int
        var located: FeedFileError
    }

    static func damaged(_ bytes: [UInt8], at offset: Int, file: String) -> Damage {
        let line = bytes[..<offset].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        return Damage(
            byteOffset: offset,
            located: FeedFileError(
                file: file, line: line, field: "-",
                problem: "byte \(offset) is neither UTF-8 nor CP949 (KPX's encoding): the file is damaged or in another encoding"))
    }

    private static func cp949(_ bytes: [UInt8], file: String) throws(Damage) -> String {
        let converter = iconv_open("UTF-8", "CP949")
        guard converter != iconv_t(bitPattern: -1) else {
            throw Damage(byteOffset: Int.max, located: FeedFileError(file: file, line: 1, field: "-", problem: "this system's iconv cannot decode CP949"))
        }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        var input = bytes
        var produced = 0
        let capacity = output.count
        let failedAt: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                if result == -1 { return inBuffer.count - inLeft }
                produced = capacity - outLeft
                return nil
            }
        }
        if let offset = failedAt { throw damaged(bytes, at: offset, file: file) }
        return String(decoding: output[..<produced], as: UTF8.self)
    }
}

/// One CSV record split into fields: commas inside double quotes (KPX writes `"1,091.33"` and
/// `"전남, 광주"`) stay in the field; a doubled quote inside quotes is a literal quote.
enum CSVFields {
    static func split(_ line: Substring) -> [Substring] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false) }
        var fields: [Substring] = []
        var current = ""
        var inQuotes = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            let next = line.index(after: index)
            if inQuotes {
                if character == "\"" {
                    if next < line.endIndex, line[next] == "\"" {
                        current.append("\"")
                        index = line.index(after: next)
                        continue
                    }
                    inQuotes = false
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "," {
                fields.append(Substring(current))
                current = ""
            } else {
                current.append(character)
            }
            index = next
        }
        fields.append(Substring(current))
        return fields
    }
}
