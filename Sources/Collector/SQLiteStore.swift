import GRDB
import GreencapCore
import Grid

/// The collector's history in one SQLite file (WAL mode, so readers such as the CLI and the demo never
/// block the writer). Schema changes go through numbered migrations.
public final class SQLiteStore: Sendable {
    public let path: String
    let pool: DatabasePool

    /// One stored hour of the renewable feed, as the collector saw it.
    public struct GridHour: Sendable, Equatable {
        public var region: String
        public var startUTC: Int64
        public var solarMW: Double
        public var windMW: Double?
        public var greenScore: Double
        public var source: String

        public init(region: String, startUTC: Int64, solarMW: Double, windMW: Double?, greenScore: Double, source: String) {
            self.region = region
            self.startUTC = startUTC
            self.solarMW = solarMW
            self.windMW = windMW
            self.greenScore = greenScore
            self.source = source
        }
    }

    public init(path: String) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-grid-hours") { db in
            try db.execute(
                sql: """
                    CREATE TABLE grid_hour (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        region TEXT NOT NULL,
                        start_utc INTEGER NOT NULL,
                        solar_mw REAL NOT NULL,
                        wind_mw REAL,
                        green_score REAL NOT NULL,
                        source TEXT NOT NULL,
                        UNIQUE (region, start_utc) ON CONFLICT REPLACE
                    )
                    """)
        }
        migrator.registerMigration("2-feed-records", migrate: createFeedTables)
        migrator.registerMigration("3-telemetry", migrate: createTelemetryTables)
        migrator.registerMigration("4-export-state", migrate: createExportStateTable)
        migrator.registerMigration("api-caps", migrate: createCapTables)
        migrator.registerMigration("node-info", migrate: addNodeInfoColumns)
        migrator.registerMigration("grid-hour-recorded", migrate: addGridHourRecordedColumn)
        return migrator
    }

    /// Records an hour; a second record for the same region and hour replaces the first.
    public func record(_ hour: GridHour) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO grid_hour (region, start_utc, solar_mw, wind_mw, green_score, source, recorded_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        hour.region, hour.startUTC, hour.solarMW, hour.windMW, hour.greenScore, hour.source, Timestamp.nowMilliseconds(),
                    ])
            }
        } catch {
            throw StoreError.writeFailed(path: path, reason: "\(error)")
        }
    }

    /// Cheap proof that the database answers; the collector's main loop runs it every tick.
    public func ping() async throws(StoreError) {
        do {
            _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }

    public func gridHourCount() async throws(StoreError) -> Int {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grid_hour") ?? 0 }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }

    /// The most recently recorded hours, newest first.
    public func latestGridHours(limit: Int) async throws(StoreError) -> [GridHour] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT region, start_utc, solar_mw, wind_mw, green_score, source
                        FROM grid_hour ORDER BY seq DESC LIMIT ?
                        """,
                    arguments: [limit]
                ).map { row in
                    GridHour(
                        region: row["region"], startUTC: row["start_utc"], solarMW: row["solar_mw"],
                        windMW: row["wind_mw"], greenScore: row["green_score"], source: row["source"])
                }
            }
        } catch {
            throw StoreError.readFailed(path: path, reason: "\(error)")
        }
    }
}

public enum StoreError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case writeFailed(path: String, reason: String)
    case readFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the SQLite store \(path): \(reason) (check that the directory exists and is writable by the service user)"
        case .writeFailed(let path, let reason):
            "cannot write to the SQLite store \(path): \(reason)"
        case .readFailed(let path, let reason):
            "cannot read the SQLite store \(path): \(reason)"
        }
    }
}
