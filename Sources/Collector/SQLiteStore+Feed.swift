import GRDB
import Grid
import GridLive

/// Live feed records and demand forecasts, as the adapters delivered them: every record keeps its kind,
/// interval, issue time, source and quality, so a consumer can tell a 5-minute national reading from a
/// regional trade hour, and an actual from a forecast.
extension SQLiteStore {
    static func createFeedTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE feed_record (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    region TEXT NOT NULL,
                    start_utc INTEGER NOT NULL,
                    interval_s INTEGER NOT NULL,
                    solar_mw REAL NOT NULL,
                    wind_mw REAL,
                    demand_mw REAL,
                    curtailment TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    issued_utc INTEGER,
                    source TEXT NOT NULL,
                    quality TEXT NOT NULL,
                    recorded_utc INTEGER NOT NULL
                );
                -- One row per region, interval, kind, source and issue: a re-fetched actual replaces the old one,
                -- each issue of a forecast is kept.
                CREATE UNIQUE INDEX feed_record_key
                    ON feed_record (region, start_utc, interval_s, kind, source, ifnull(issued_utc, -1));
                CREATE INDEX feed_record_time ON feed_record (region, start_utc);
                CREATE TABLE demand_forecast (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    region TEXT NOT NULL,
                    start_utc INTEGER NOT NULL,
                    interval_s INTEGER NOT NULL,
                    demand_mw REAL NOT NULL,
                    smp_krw_per_kwh REAL,
                    issued_utc INTEGER NOT NULL,
                    source TEXT NOT NULL,
                    recorded_utc INTEGER NOT NULL,
                    UNIQUE (region, start_utc, interval_s, source, issued_utc) ON CONFLICT REPLACE
                );
                """)
    }

    /// Stores records in one transaction; a record for the same key replaces the stored one.
    public func record(feed records: [FeedRecord], recordedUTC: Int64) async throws(StoreError) {
        guard !records.isEmpty else { return }
        do {
            try await pool.write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT OR REPLACE INTO feed_record (region, start_utc, interval_s, solar_mw, wind_mw, demand_mw,
                            curtailment, kind, issued_utc, source, quality, recorded_utc)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for record in records {
                    try statement.execute(arguments: [
                        record.region, record.startUTC, record.intervalSeconds, record.solarMW, record.windMW,
                        record.demandMW, record.curtailment.state.rawValue, record.kind.rawValue, record.issuedUTC,
                        record.source, record.quality.rawValue, recordedUTC,
                    ])
                }
            }
        } catch {
            throw StoreError.writeFailed(path: path, reason: "\(error)")
        }
    }

    public func record(forecasts: [DemandForecast], recordedUTC: Int64) async throws(StoreError) {
        guard !forecasts.isEmpty else { return }
        do {
            try await pool.write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO demand_forecast (region, start_utc, interval_s, demand_mw, smp_krw_per_kwh, issued_utc,
                            source, recorded_utc)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for forecast in forecasts {
                    try statement.execute(arguments: [
                        forecast.region, forecast.startUTC, forecast.intervalSeconds, forecast.demandMW,
                        forecast.smpKRWPerKWh, forecast.issuedUTC, forecast.source, recordedUTC,
                    ])
                }
            }
        } catch {
            throw StoreError.writeFailed(path: path, reason: "\(error)")
        }
    }

    public func feedRecordCount(source: String? = nil) async throws(StoreError) -> Int {
        do {
            return try await pool.read { db in
                if let source {
                    return try Int.fetchOne(db, sql: "SELECT count(*) FROM feed_record WHERE source = ?", arguments: [source]) ?? 0
                }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM feed_record") ?? 0
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }

    /// A region's stored records starting at `fromUTC` or later, in time order (all kinds and sources). The
    /// table keeps one curtailment state per record, so it comes back as that state for both fuels.
    public func feedRecords(region: String, fromUTC: Int64 = .min) async throws(StoreError) -> [FeedRecord] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT region, start_utc, interval_s, solar_mw, wind_mw, demand_mw, curtailment, kind, issued_utc, source, quality
                        FROM feed_record WHERE region = ? AND start_utc >= ? ORDER BY start_utc, interval_s, source
                        """,
                    arguments: [region, fromUTC]
                ).map { row in
                    let state = CurtailmentState(rawValue: row["curtailment"]) ?? .unknown
                    let fuel = state == .unknown ? nil : FuelCurtailment(state: state)
                    return FeedRecord(
                        region: row["region"], startUTC: row["start_utc"], intervalSeconds: row["interval_s"],
                        solarMW: row["solar_mw"], windMW: row["wind_mw"], demandMW: row["demand_mw"],
                        curtailment: Curtailment(solar: fuel, wind: fuel), kind: FeedRecordKind(rawValue: row["kind"]) ?? .actual, issuedUTC: row["issued_utc"],
                        source: row["source"], quality: FeedQuality(rawValue: row["quality"]) ?? .partial)
                }
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }
}
