/// KPX's region names for callers outside the importers (the live regional-solar API sends the same
/// old-style names, e.g. `전라남도`, `강원도`).
public enum KPXRegionName {
    /// The ISO 3166-2 code of a KPX region name, old or new spelling; nil for a name KPX never used.
    public static func isoCode(_ name: String) -> String? { KPXRegion.code(Substring(name)) }
}
