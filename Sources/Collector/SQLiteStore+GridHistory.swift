import GRDB

extension SQLiteStore {
    /// Records many hours in one transaction, so a reader sees all of them or none: the history a replay
    /// presented as the present records at start-up must not be read half-written (a forecast issued from
    /// its middle would lie in the past). `recorded_ms` stays NULL: these hours were not received now.
    public func record(history hours: [GridHour]) async throws(StoreError) {
        do {
            try await pool.write { db in
                for hour in hours {
                    try db.execute(
                        sql: "INSERT INTO grid_hour (region, start_utc, solar_mw, wind_mw, green_score, source) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [hour.region, hour.startUTC, hour.solarMW, hour.windMW, hour.greenScore, hour.source])
                }
            }
        } catch {
            throw StoreError.writeFailed(path: path, reason: "\(error)")
        }
    }
}
