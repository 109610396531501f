import GRDB

/// The reads the HTTP API makes of `grid_hour`, beside the store's own (which the collector loop uses).
extension SQLiteStore {
    /// Hours starting in [fromUTC, toUTC), oldest first; `region` nil means all regions.
    public func gridHours(region: String?, fromUTC: Int64, toUTC: Int64, limit: Int) async throws(StoreError) -> [GridHour] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT region, start_utc, solar_mw, wind_mw, green_score, source FROM grid_hour
                        WHERE start_utc >= ? AND start_utc < ? AND (? IS NULL OR region = ?)
                        ORDER BY start_utc, region LIMIT ?
                        """,
                    arguments: [fromUTC, toUTC, region, region, limit]
                ).map(Self.gridHour)
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }

    /// The hour with the latest start of each region (by hour, not by when it was written: a replay that
    /// loops writes old hours again).
    public func latestGridHourPerRegion() async throws(StoreError) -> [GridHour] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT g.region, g.start_utc, g.solar_mw, g.wind_mw, g.green_score, g.source FROM grid_hour g
                        JOIN (SELECT region, max(start_utc) AS latest FROM grid_hour GROUP BY region) m
                            ON g.region = m.region AND g.start_utc = m.latest
                        ORDER BY g.region
                        """
                ).map(Self.gridHour)
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }

    static func gridHour(_ row: Row) -> GridHour {
        GridHour(
            region: row["region"], startUTC: row["start_utc"], solarMW: row["solar_mw"], windMW: row["wind_mw"],
            greenScore: row["green_score"], source: row["source"])
    }
}
