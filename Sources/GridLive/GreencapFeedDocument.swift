import Foundation
import GreencapCore
import Grid

/// The Greencap JSON feed format, `greencap-feed/1` (docs/grid-feeds.md, "Live sources"): one region's
/// records as an internal mirror or another region's operator publishes them.
///
/// A document-level fault (wrong format tag, no region, not JSON) refuses the whole document; a fault in
/// one record refuses that record with its index and field, and the others are kept.
public enum GreencapFeedDocument {
    public static let format = "greencap-feed/1"
    static let intervals: Set<Int64> = [5, 15, 30, 60]

    /// `expectedRegion`: the region the source is configured for; a document for another region is refused.
    public static func parse(_ bytes: [UInt8], expectedRegion: String?) throws(LiveFeedError) -> MappedRows {
        func bad(_ position: String, _ problem: String) -> LiveFeedError {
            .malformed(api: .greencapJSON, page: 1, format: "greencap-feed/1 JSON", position: position, problem: problem)
        }
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            throw bad("the document", (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not JSON")
        }
        guard let root = document as? [String: Any] else { throw bad("the top level", "not an object") }
        guard root["format"] as? String == format else {
            throw bad("format", "expected \"\(format)\", found \(root["format"].map { "\($0)" } ?? "nothing")")
        }
        guard let region = root["region"] as? String, isRegionCode(region) else {
            throw bad("region", "expected an ISO 3166-2 code such as \"KR-46\" or \"KR\"")
        }
        if let expectedRegion, expectedRegion != region {
            throw bad("region", "the feed is for \(region), but this source is configured for \(expectedRegion)")
        }
        var issued: Int64?
        if let raw = root["issued"], !(raw is NSNull) {
            guard let text = raw as? String, let instant = Timestamp.parseRFC3339(text) else {
                throw bad("issued", "expected an RFC 3339 date-time such as \"2026-07-03T09:00:00Z\"")
            }
            issued = instant
        }
        let source = (root["source"] as? String).map { "greencap-json:\($0)" } ?? LiveAPI.greencapJSON.sourceLabel
        guard let records = root["records"] as? [Any] else { throw bad("records", "expected an array of records") }
        var result = MappedRows()
        for (index, element) in records.enumerated() {
            do throws(LiveFeedError) {
                result.records.append(
                    try record(element, row: index + 1, region: region, issued: issued, source: source))
            } catch {
                result.rejected.append(error)
            }
        }
        return result
    }

    private static func record(_ element: Any, row: Int, region: String, issued: Int64?, source: String) throws(LiveFeedError)
        -> FeedRecord
    {
        func fail(_ field: String, _ value: Any?, _ problem: String) -> LiveFeedError {
            .badField(api: .greencapJSON, page: 1, row: row, field: field, value: value.map { "\($0)" } ?? "", problem: problem)
        }
        guard let object = element as? [String: Any] else { throw fail("records[\(row - 1)]", element, "not an object") }
        guard let startText = object["start"] as? String, let start = Timestamp.parseRFC3339(startText) else {
            throw fail("start", object["start"], "expected an RFC 3339 date-time")
        }
        guard let minutes = number(object["minutes"]).flatMap({ Int64(exactly: $0) }), intervals.contains(minutes) else {
            throw fail("minutes", object["minutes"], "expected 5, 15, 30 or 60")
        }
        guard start % (minutes * 60) == 0 else { throw fail("start", startText, "not on a \(minutes)-minute boundary") }
        func megawatts(_ field: String, required: Bool) throws(LiveFeedError) -> Double? {
            guard let raw = object[field], !(raw is NSNull) else {
                if required { throw fail(field, nil, "missing") }
                return nil
            }
            guard let value = number(raw), value.isFinite else { throw fail(field, raw, "not a number") }
            guard value >= 0 else { throw fail(field, raw, "negative megawatts") }
            return value
        }
        let solar = try megawatts("solar_mw", required: true) ?? 0
        let wind = try megawatts("wind_mw", required: false)
        let demand = try megawatts("demand_mw", required: false)
        if demand == 0 { throw fail("demand_mw", 0, "zero demand") }
        let kind = try choice(object, "kind", default: FeedRecordKind.actual, fail)
        guard kind != .replay else { throw fail("kind", "replay", "a live feed sends actual or forecast records") }
        var recordIssued = issued
        if let raw = object["issued"], !(raw is NSNull) {
            guard let text = raw as? String, let instant = Timestamp.parseRFC3339(text) else {
                throw fail("issued", raw, "expected an RFC 3339 date-time")
            }
            recordIssued = instant
        }
        if kind == .forecast && recordIssued == nil { throw fail("issued", nil, "a forecast needs an issue time (here or at the top)") }
        let state = try choice(object, "curtailment", default: CurtailmentState.unknown, fail)
        let curtailment =
            state == .unknown ? Curtailment.unknown : Curtailment(solar: FuelCurtailment(state: state), wind: FuelCurtailment(state: state))
        let quality: FeedQuality? = object["quality"] == nil ? nil : try choice(object, "quality", default: FeedQuality.good, fail)
        return FeedRecord(
            region: region, startUTC: start, intervalSeconds: minutes * 60, solarMW: solar, windMW: wind, demandMW: demand,
            curtailment: curtailment, kind: kind, issuedUTC: kind == .forecast ? recordIssued : nil, source: source,
            quality: quality)
    }

    private static func choice<Value: RawRepresentable & CaseIterable>(
        _ object: [String: Any], _ field: String, default value: Value, _ fail: (String, Any?, String) -> LiveFeedError
    ) throws(LiveFeedError) -> Value where Value.RawValue == String {
        guard let raw = object[field], !(raw is NSNull) else { return value }
        guard let text = raw as? String, let parsed = Value(rawValue: text) else {
            throw fail(field, raw, "expected one of " + Value.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        return parsed
    }

    /// A JSON number. Foundation hands out `true`/`false` as NSNumber too; their type code is `c` (char).
    private static func number(_ value: Any?) -> Double? {
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        return number.doubleValue
    }

    static func isRegionCode(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let country = parts.first, country.count == 2, country.allSatisfy({ $0.isASCII && $0.isUppercase }) else { return false }
        return parts.count == 1 || (parts.count == 2 && (1...3).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && ($0.isNumber || $0.isUppercase) })
    }
}
