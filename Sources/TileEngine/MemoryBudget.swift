import Foundation

/// Sizes as users write them (`256MiB`, `2GiB`, `512M`, `1.5G`, `1048576`), in bytes.
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number > 0 else { return nil }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "k", "kb", "kib": scale = 1024
        case "m", "mb", "mib": scale = 1024 * 1024
        case "g", "gb", "gib": scale = 1024 * 1024 * 1024
        case "t", "tb", "tib": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        // Sizes beyond what any machine holds (e.g. 99999999999GiB) are refused, not trapped on.
        let bytes = number * scale
        guard bytes.isFinite, bytes < Double(1 << 60) else { return nil }
        return Int(bytes)
    }

    public static func format(_ bytes: Int) -> String {
        let mib = Double(bytes) / 1_048_576
        return mib >= 1024 ? String(format: "%.1f GiB", mib / 1024) : String(format: "%.0f MiB", mib)
    }
}

/// This process's memory as the kernel counts it (`/proc/self/status`).
public enum ProcessMemory {
    /// Resident set size now, in bytes (VmRSS).
    public static var resident: Int { field("VmRSS:") }
    /// Peak resident set size so far, in bytes (VmHWM).
    public static var peakResident: Int { field("VmHWM:") }

    private static func field(_ name: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return 0 }
        let kib = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kib * 1024
    }
}
