import Foundation
import GreencapTestSupport
import TOML
import Testing

/// The parser is checked against Python's `tomllib` (an independent TOML 1.0 implementation): both parse
/// the same documents, and the results must agree value for value and type for type.
@Suite struct TOMLParserTests {
    static let validDocuments: [String] = [
        #"""
        # a comment
        title = "TOML \"example\" \u00e9 \U0001F600"
        literal = 'C:\Users\nodejs\templates'
        empty = ""
        bare-key_1 = 1
        "quoted key" = 2
        'literal key' = 3
        """#,
        #"""
        int1 = +99
        int2 = 42
        int3 = 0
        int4 = -17
        int5 = 1_000_000
        hex = 0xDEAD_beef
        oct = 0o755
        bin = 0b1101_0110
        big = 9223372036854775807
        small = -9223372036854775808
        """#,
        #"""
        f1 = +1.0
        f2 = 3.1415
        f3 = -0.01
        f4 = 5e+22
        f5 = 1e06
        f6 = -2E-2
        f7 = 6.626e-34
        f8 = 224_617.445_991_228
        sf1 = inf
        sf2 = +inf
        sf3 = -inf
        sf4 = nan
        neg0 = -0.0
        """#,
        #"""
        t = true
        f = false
        odt1 = 1979-05-27T07:32:00Z
        odt2 = 1979-05-27T00:32:00-07:00
        odt3 = 1979-05-27 07:32:00.999999+09:00
        ldt = 1979-05-27T07:32:00
        ld = 1979-05-27
        lt = 07:32:00
        """#,
        #"""
        multi = """
        Roses are red
        Violets are blue"""
        folded = """\
              The quick brown \
              fox jumps over \
              the lazy dog.\
              """
        quotes = """Here are two quotation marks: "". Simple enough."""
        five = """Here are fifteen quotation marks: ""\"""\"""\"""\"""\"."""
        edge = """"This," she said, "is just a pointless statement.""""
        lit = '''
        The first newline is
        trimmed in raw strings.
           All other whitespace
           is preserved.
        '''
        lit2 = '''I [dw]on't need \d{2} apples'''
        lit3 = ''''That,' she said, 'is still pointless.''''
        """#,
        #"""
        ints = [ 1, 2, 3 ]
        mixed = [ "all", 'strings', """are the same""", '''type''' ]
        nested = [ [ 1, 2 ], ["a", "b", "c"] ]
        multiline = [
          1, # one
          2,
          # comment line
          3,
        ]
        empty = []
        tables = [ { x = 1, y = 2 }, { x = 3 } ]
        """#,
        #"""
        [server]
        host = "10.0.0.1"
        [server.tls]
        enabled = true

        [a.b.c]
        d = 1
        [a]
        e = 2

        [dotted]
        physical.color = "orange"
        physical.shape = "round"
        site."google.com" = true

        [inline]
        point = { x = 1, y = 2 }
        nest = { a.b = 1, c = { d = "e" } }
        none = {}
        """#,
        #"""
        [[modbus.device]]
        name = "pdu-a"
        unit = 1

        [[modbus.device]]
        name = "ups"
        [modbus.device.options]
        fc = 6

        [[modbus.device.point]]
        name = "load"

        [[fruits]]
        name = "apple"
        [[fruits.varieties]]
        name = "red delicious"
        [[fruits.varieties]]
        name = "granny smith"
        [[fruits]]
        name = "banana"
        """#,
        "key = \"value\"\r\nother = 2\r\n",
        "tab\t=\t\"tabs\"\t# trailing\n[ spaced . header ]\nx = 1\n",
        "unicode = \"한국전력거래소\"\n'전남' = \"KR-46\"\n",
    ]

    @Test("agrees with Python tomllib on valid documents", arguments: validDocuments.indices)
    func agreesWithTomllib(index: Int) throws {
        let document = Self.validDocuments[index]
        let table = try TOMLParser.parse(document)
        let verdict = try Tomllib.compare(document: document, ourJSON: TaggedJSON.render(table))
        #expect(verdict == "OK", "document \(index):\n\(document)")
    }

    static let invalidDocuments: [(text: String, line: Int)] = [
        ("a = 1\na = 2\n", 2),
        ("[t]\nx = 1\n[t]\ny = 2\n", 3),
        ("a = \"unterminated\n", 1),
        ("a = 1 b = 2\n", 1),
        ("a.b = 1\n[a.b]\nc = 2\n", 2),
        ("x = { a = 1 }\n[x]\nb = 2\n", 2),
        ("arr = [1, 2]\n[[arr]]\n", 2),
        ("n = 01\n", 1),
        ("n = 1__0\n", 1),
        ("f = .5\n", 1),
        ("f = 1.\n", 1),
        ("s = \"bad \\q escape\"\n", 1),
        ("ok = 1\n\n= 3\n", 3),
        ("k = \n", 1),
        ("inline = { a = 1,\n b = 2 }\n", 1),
        ("[a]\nb = 1\n[a.b]\n", 3),
        ("k = truee\n", 1),
        ("a = [1 2]\n", 1),
    ]

    @Test("rejects invalid documents at the right line, as tomllib does", arguments: invalidDocuments.indices)
    func rejectsInvalid(index: Int) throws {
        let (document, line) = Self.invalidDocuments[index]
        #expect(throws: TOMLSyntaxError.self) { try TOMLParser.parse(document) }
        do {
            _ = try TOMLParser.parse(document)
        } catch {
            #expect(error.line == line, "document: \(document.debugDescription) error: \(error)")
        }
        #expect(try Tomllib.rejects(document), "tomllib accepts \(document.debugDescription), so our test is wrong")
    }

    @Test func keysRememberTheirLines() throws {
        let table = try TOMLParser.parse("# header\n\n[node]\nid = \"n1\"\n\n[control]\n  tick = \"1s\"\n")
        guard case .table(let node) = table["node"]?.kind, case .table(let control) = table["control"]?.kind else {
            Issue.record("tables missing")
            return
        }
        #expect(table.entry("node")?.keyLine == 3)
        #expect(node.entry("id")?.keyLine == 4)
        #expect(node["id"]?.line == 4)
        #expect(control.entry("tick")?.keyLine == 7)
        #expect(table.keys == ["node", "control"])
    }

    @Test func acceptsAByteOrderMark() throws {
        // tomllib rejects a BOM; editors on some systems write one, and rejecting it helps nobody.
        let table = try TOMLParser.parse("\u{FEFF}bom = 1\n")
        #expect(table["bom"]?.kind == .integer(1))
    }

    @Test func reportsColumn() throws {
        do {
            _ = try TOMLParser.parse("a = 1\nb = @\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 2)
            #expect(error.column == 5)
        }
    }
}

/// Renders a parsed table the way the Python side renders tomllib's result: leaves tagged with their type.
enum TaggedJSON {
    static func render(_ table: TOMLTable) -> String {
        "{" + table.entries.map { quote($0.key) + ":" + render($0.value) }.joined(separator: ",") + "}"
    }

    static func render(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let text): return "{\"string\":\(quote(text))}"
        case .integer(let number): return "{\"integer\":\"\(number)\"}"
        case .float(let number): return "{\"float\":\"\(number)\"}"
        case .boolean(let flag): return "{\"bool\":\"\(flag)\"}"
        case .datetime: return "{\"datetime\":\"*\"}"
        case .array(let items): return "[" + items.map(render).joined(separator: ",") + "]"
        case .table(let table): return render(table)
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Python's tomllib (3.11+) run as a separate process.
enum Tomllib {
    static let script = """
        import json, math, sys, tomllib
        def tag(v):
            if isinstance(v, bool): return {"bool": "true" if v else "false"}
            if isinstance(v, int): return {"integer": str(v)}
            if isinstance(v, float): return {"float": repr(v)}
            if isinstance(v, str): return {"string": v}
            if isinstance(v, list): return [tag(x) for x in v]
            if isinstance(v, dict): return {k: tag(x) for k, x in v.items()}
            return {"datetime": "*"}
        def same(a, b):
            if isinstance(a, dict) and isinstance(b, dict):
                if set(a) != set(b): return False
                if set(a) == {"float"}:
                    x, y = float(a["float"]), float(b["float"])
                    return (math.isnan(x) and math.isnan(y)) or (x == y and math.copysign(1, x) == math.copysign(1, y))
                return all(same(a[k], b[k]) for k in a)
            if isinstance(a, list) and isinstance(b, list):
                return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
            return a == b
        mode, toml_path = sys.argv[1], sys.argv[2]
        try:
            with open(toml_path, "rb") as f: theirs = tag(tomllib.load(f))
        except tomllib.TOMLDecodeError as e:
            print("REJECTED", e); sys.exit(0)
        if mode == "reject": print("ACCEPTED"); sys.exit(0)
        ours = json.load(open(sys.argv[3]))
        print("OK" if same(ours, theirs) else "DIFF\\nours:   " + json.dumps(ours, sort_keys=True) + "\\ntheirs: " + json.dumps(theirs, sort_keys=True))
        """

    static func compare(document: String, ourJSON: String) throws -> String {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let tomlPath = try directory.write("doc.toml", document)
        let jsonPath = try directory.write("ours.json", ourJSON)
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, "compare", tomlPath, jsonPath])
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func rejects(_ document: String) throws -> Bool {
        let directory = try TemporaryDirectory.make()
        defer { directory.remove() }
        let tomlPath = try directory.write("doc.toml", document)
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, "reject", tomlPath])
        return result.output.hasPrefix("REJECTED")
    }
}
