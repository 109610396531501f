import GRDB

/// What the live roll-up (`LiveGridHours`) reads: the renewable history the green score of a new hour is
/// measured against, and where a new store's readings begin.
extension SQLiteStore {
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
