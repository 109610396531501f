/// Remote-write 1.0 (https://prometheus.io/docs/specs/remote_write_spec/).
public enum RemoteWriteVersion { public static let header = "0.1.0" }
