/// What a KPX column means, read from its header text rather than matched against it: KPX rewords,
/// respaces and re-units its headers with every release ("  태양광 발전량(MWh)  ", "태양광발전량(MWh)",
/// "발전량(MWh)" beside a 연료원 column; "1시" in one release, "1시간" in the next), and a release we have
/// not seen must still import.
enum KPXColumn: Equatable {
    case tradeDate
    case tradeHour
    /// One of a day's 24 hour-ending columns (`1시` … `24시`): the value of trade hour n.
    case hourOfDay(Int)
    case region
    case fuel
    case solar(unitToMW: Double)
    case wind(unitToMW: Double)
    case demand
    case generation(unitToMW: Double)
    /// A day's curtailed energy (총제어량).
    case curtailedTotal
    /// The running number of a curtailment event (시행회차, 횟수).
    case eventNumber
    case other

    init(header: Substring) {
        let key = KPXColumn.key(header)
        let unit = KPXColumn.unitToMW(key)
        if let hour = KPXColumn.hourOfDay(key) {
            self = .hourOfDay(hour)
        } else if key.contains("태양광") || key.contains("solar") || key.hasPrefix("pv") {
            self = .solar(unitToMW: unit ?? 1)
        } else if key.contains("풍력") || key.contains("wind") {
            self = .wind(unitToMW: unit ?? 1)
        } else if key.contains("연료") || key.contains("발전원") || key.contains("fuel") || key.contains("원별") || key == "구분" {
            self = .fuel
        } else if KPXColumn.quantity(key) == .demand {
            self = .demand
        } else if key.contains("제어량") || key.contains("curtailed") {
            self = .curtailedTotal
        } else if key.contains("회차") || key.contains("횟수") || key.contains("차수") || key.contains("count") || key.hasPrefix("seq") {
            self = .eventNumber
        } else if key.contains("발전량") || key.contains("generation") || (unit != nil && !key.contains("시간")) {
            self = .generation(unitToMW: unit ?? 1)
        } else if key.contains("일자") || key.contains("날짜") || key.contains("기준일") || key == "date" || key.contains("tradedate") {
            self = .tradeDate
        } else if key.contains("시간") || key.contains("시각") || key.contains("hour") {
            self = .tradeHour
        } else if key.contains("지역") || key.contains("시도") || key.contains("region") {
            self = .region
        } else {
            self = .other
        }
    }

    /// A header reduced to its meaning-bearing characters: no spaces, BOM, `_` or `-`, lower case.
    static func key(_ header: Substring) -> String {
        String(header.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\u{FEFF}" && $0 != "_" && $0 != "-" }).lowercased()
    }

    /// The quantity a header word names, if any: the only sign of what a Jeju day-row file holds.
    static func quantity(_ key: String) -> FeedQuantity? { quantities(key).first }

    /// Every quantity a header word names ("태양광 및 풍력" names two).
    static func quantities(_ key: String) -> [FeedQuantity] {
        var named: [FeedQuantity] = []
        if key.contains("태양광") || key.contains("solar") || key.hasPrefix("pv") { named.append(.solar) }
        if key.contains("풍력") || key.contains("wind") { named.append(.wind) }
        if key.contains("수요") || key.contains("부하") || key.contains("demand") || key.contains("load") { named.append(.demand) }
        return named
    }

    /// Whether a header word speaks of curtailment (출력제어, 총제어량, curtailment).
    static func mentionsCurtailment(_ key: String) -> Bool {
        key.contains("제어") || key.contains("curtail")
    }

    /// n for an hour column: `1시`, `01시`, `1시간`, `1h`, `h1`, `hour1`, a bare `1`, with any unit in
    /// brackets or quantity word around it ("태양광 1시(MWh)").
    static func hourOfDay(_ key: String) -> Int? {
        var text = Substring(key)
        if let open = text.firstIndex(where: { $0 == "(" || $0 == "[" }) { text = text[..<open] }
        for word in ["태양광", "풍력", "수요", "발전량", "제어량", "출력제어"] {
            text = Substring(text.replacing(word, with: ""))
        }
        for prefix in ["hour", "hr", "h"] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
            break
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let suffix = text.dropFirst(digits.count)
        guard (1...2).contains(digits.count), ["", "시", "시간", "h", "hr", "hour", "時"].contains(String(suffix)),
            let hour = Int(digits), (1...24).contains(hour)
        else { return nil }
        return hour
    }

    /// Energy per hour in the header's unit, as MW averaged over the hour. nil when the header names none
    /// (KPX's regional files are MWh; a unit change is always spelled in the header there).
    static func unitToMW(_ key: String) -> Double? {
        if key.contains("gwh") || key.contains("(gw") { return 1000 }
        if key.contains("mwh") || key.contains("(mw") || key.hasSuffix("mw") { return 1 }
        if key.contains("kwh") || key.contains("(kw") || key.hasSuffix("kw") { return 0.001 }
        return nil
    }
}

/// KPX's region names (시도) as ISO 3166-2 codes. Old and new spellings both appear across releases.
enum KPXRegion {
    static let codes: [String: String] = [
        "서울시": "KR-11", "서울": "KR-11", "서울특별시": "KR-11",
        "부산시": "KR-26", "부산": "KR-26", "부산광역시": "KR-26",
        "대구시": "KR-27", "대구": "KR-27", "대구광역시": "KR-27",
        "인천시": "KR-28", "인천": "KR-28", "인천광역시": "KR-28",
        "광주시": "KR-29", "광주": "KR-29", "광주광역시": "KR-29",
        "대전시": "KR-30", "대전": "KR-30", "대전광역시": "KR-30",
        "울산시": "KR-31", "울산": "KR-31", "울산광역시": "KR-31",
        "세종시": "KR-50", "세종": "KR-50", "세종특별자치시": "KR-50",
        "경기도": "KR-41", "경기": "KR-41",
        "강원도": "KR-42", "강원": "KR-42", "강원특별자치도": "KR-42",
        "충청북도": "KR-43", "충북": "KR-43",
        "충청남도": "KR-44", "충남": "KR-44",
        "전라북도": "KR-45", "전북": "KR-45", "전북특별자치도": "KR-45",
        "전라남도": "KR-46", "전남": "KR-46",
        "경상북도": "KR-47", "경북": "KR-47",
        "경상남도": "KR-48", "경남": "KR-48",
        "제주도": "KR-49", "제주": "KR-49", "제주특별자치도": "KR-49",
    ]

    static func code(_ name: Substring) -> String? {
        codes[String(name.unicodeScalars.filter { !$0.properties.isWhitespace })]
    }

    /// Misspellings seen in KPX's own files, each mapped to the name meant. Kept explicit (and reported when
    /// used) rather than matched loosely, so a real unknown name is still an error.
    static let misspellings: [String: String] = ["감원": "강원"]

    /// A curtailment record's province list (`"전남, 광주, 전북"`, `"충북 부산"`, `"경북  광주"`) as ISO
    /// codes in the order written. Names are split on commas and spaces alike: KPX's lists drop commas.
    static func codes(list: Substring) -> (codes: [String], unknown: [String], corrected: [String]) {
        var codes: [String] = []
        var unknown: [String] = []
        var corrected: [String] = []
        for name in list.split(whereSeparator: { $0 == "," || $0 == "·" || $0 == "/" || $0 == "|" || $0.isWhitespace }) {
            if let code = code(name) {
                if !codes.contains(code) { codes.append(code) }
            } else if let meant = misspellings[String(name)], let code = code(Substring(meant)) {
                corrected.append("\(name) → \(meant)")
                if !codes.contains(code) { codes.append(code) }
            } else {
                unknown.append(String(name))
            }
        }
        return (codes, unknown, corrected)
    }
}
