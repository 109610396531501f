import GRDB

/// What the live roll-up (`LiveGridHours`) reads of `grid_hour`: where it left off, and the renewable
/// history the green score of a new hour is measured against.
extension SQLiteStore {
    /// The region's hour with the latest start.
    public func latestGridHour(region: String) async throws(StoreError) -> GridHour? {
        do {
            return try await pool.read { db in
                try Row.fetchOne(
                    db,
                    sql: """
                        SELECT region, start_utc, solar_mw, wind_mw, green_score, source FROM grid_hour
                        WHERE region = ? ORDER BY start_utc DESC LIMIT 1
                        """,
                    arguments: [region]
                ).map(Self.gridHour)
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }

    /// Solar + wind (missing wind as zero) of the region's last `limit` hours starting before `beforeUTC`,
    /// oldest first.
    public func renewableHistory(region: String, beforeUTC: Int64, limit: Int) async throws(StoreError) -> [Double] {
        do {
            return try await pool.read { db in
                try Double.fetchAll(
                    db,
                    sql: """
                        SELECT renewable FROM (
                            SELECT start_utc, solar_mw + ifnull(wind_mw, 0) AS renewable FROM grid_hour
                            WHERE region = ? AND start_utc < ? ORDER BY start_utc DESC LIMIT ?
                        ) ORDER BY start_utc
                        """,
                    arguments: [region, beforeUTC, limit])
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }

    /// The start of the hour of the region's earliest actual reading at or after `fromUTC`.
    public func earliestActualFeedHour(region: String, fromUTC: Int64) async throws(StoreError) -> Int64? {
        do {
            return try await pool.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT min(start_utc) FROM feed_record WHERE region = ? AND kind = 'actual' AND start_utc >= ?",
                    arguments: [region, fromUTC]
                ).map { $0 - (($0 % 3600) + 3600) % 3600 }
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }
}
