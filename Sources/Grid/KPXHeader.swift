/// What a KPX column means, read from its header text rather than matched against it: KPX rewords,
/// respaces and re-units its headers with every release ("  태양광 발전량(MWh)  ", "태양광발전량(MWh)",
/// "발전량(MWh)" beside a 연료원 column), and a release we have not seen must still import.
enum KPXColumn: Equatable {
    case tradeDate
    case tradeHour
    case region
    case fuel
    case solar(unitToMW: Double)
    case wind(unitToMW: Double)
    case generation(unitToMW: Double)
    case other

    init(header: Substring) {
        let key = String(
            header.unicodeScalars.filter { !$0.properties.isWhitespace && $0 != "\u{FEFF}" && $0 != "_" && $0 != "-" }
        ).lowercased()
        let unit = KPXColumn.unitToMW(key)
        if key.contains("태양광") || key.contains("solar") || key.hasPrefix("pv") {
            self = .solar(unitToMW: unit ?? 1)
        } else if key.contains("풍력") || key.contains("wind") {
            self = .wind(unitToMW: unit ?? 1)
        } else if key.contains("연료") || key.contains("발전원") || key.contains("fuel") || key.contains("원별") {
            self = .fuel
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
}
