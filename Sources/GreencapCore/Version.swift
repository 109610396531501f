/// The product version printed by `--version` of every executable.
public enum GreencapVersion {
    public static let current = "0.1.0"
}
