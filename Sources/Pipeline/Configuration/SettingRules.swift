import TileEngine

/// The rules every numeric setting obeys, in one place for the command-line options and the YAML
/// keys: each returns what is wrong with a value, or nil. Callers name the option or key.
public enum SettingRules {
    public static func count(_ value: Int, in range: ClosedRange<Int>) -> String? {
        range.contains(value) ? nil : "\(value) is not between \(range.lowerBound) and \(range.upperBound)"
    }

    /// A finite number above zero (a size, a distance, a rate).
    public static func positive(_ value: Double) -> String? {
        value.isFinite && value > 0 ? nil : "\(value) is not a positive number"
    }

    /// A finite number at or above zero (an area that may be zero).
    public static func nonNegative(_ value: Double) -> String? {
        value.isFinite && value >= 0 ? nil : "\(value) is not a number at or above zero"
    }

    /// Reflectance per stored unit (`--scale`, `scale:`, e.g. 0.0001 for reflectance × 10000): positive,
    /// and only for reflectance inputs (DNs are calibrated with their product XML).
    public static func reflectanceScale(_ value: Double, input: SceneInput.Kind?) -> String? {
        guard input == .reflectance else { return "applies to reflectance inputs only (input reflectance); DNs are calibrated with their product XML" }
        return positive(value)
    }

    /// Pixels a mosaic's seams are feathered over on each side (`--feather`, `feather:`).
    public static func featherPixels(_ value: Int) -> String? {
        (0...64).contains(value) ? nil : "\(value) is not between 0 and 64 pixels"
    }

    public static func finite(_ value: Double) -> String? {
        value.isFinite ? nil : "\(value) is not a finite number"
    }

    /// A share strictly between 0 and 1 (both parts of a split must be non-empty).
    public static func openFraction(_ value: Double) -> String? {
        value.isFinite && value > 0 && value < 1 ? nil : "\(value) is not between 0 and 1 (exclusive)"
    }

    /// Adam's step size: above zero, and at most 1 (larger steps diverge; the model stores it as a
    /// Float, where 1e300 is infinite and cannot be written).
    public static func learningRate(_ value: Double) -> String? {
        value.isFinite && value > 0 && value <= 1 ? nil : "\(value) is not a learning rate in (0, 1]"
    }

    public static func percentile(_ value: Double) -> String? {
        value.isFinite && value >= 0 && value < 100 ? nil : "\(value) is not a percentile in [0, 100)"
    }

    /// A normalised-difference index limit (NDVI, NDWI).
    public static func indexLimit(_ value: Double) -> String? {
        value.isFinite && value >= -1 && value <= 1 ? nil : "\(value) is not an index limit in [-1, 1]"
    }

    public static func memory(_ text: String) -> String? {
        ByteSize.parse(text) == nil ? "'\(text)' is not a size such as 256MiB or 2GiB" : nil
    }

    public static func tileSize(_ value: Int) -> String? { TilePlanner.tileSizeProblem(value) }
    public static func tasks(_ value: Int) -> String? { count(value, in: 1...ShardPlan.largestTaskCount) }
    /// A moving window's side (focal statistics): odd, and its halo smaller than the smallest tile.
    public static func windowSize(_ value: Int) -> String? {
        value >= 1 && value <= 1023 && value % 2 == 1 ? nil : "\(value) is not an odd window side from 1 to 1023"
    }
    public static func threads(_ value: Int) -> String? { count(value, in: 1...4096) }
    public static func folds(_ value: Int) -> String? { count(value, in: 2...1000) }
    public static func iterations(_ value: Int) -> String? { count(value, in: 1...10_000_000) }
    public static func monteCarloPasses(_ value: Int) -> String? {
        value == 0 || (2...10_000).contains(value) ? nil : "\(value) passes: give 0 (none) or 2 to 10000"
    }
    public static func patchSize(_ value: Int) -> String? {
        value >= 3 && value <= 63 && value % 2 == 1 ? nil : "\(value) is not an odd window side from 3 to 63"
    }
    public static func nearestSamples(_ value: Int) -> String? { count(value, in: 1...100_000) }
    /// The side of a smoothing window: 1 (none) or an odd number up to 63.
    public static func smoothingWindow(_ value: Int) -> String? {
        value >= 1 && value <= 63 && value % 2 == 1 ? nil : "\(value) is not an odd window side from 1 (no smoothing) to 63"
    }
}
