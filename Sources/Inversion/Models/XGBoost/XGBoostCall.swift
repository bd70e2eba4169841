import CXGBoost

/// Every XGBoost C call returns 0 or -1; on -1 its reason (`XGBGetLastError`, thread-local) becomes
/// one line: XGBoost's first line without its "[hh:mm:ss] source:line:" prefix.
enum XGBoostCall {
    static func check(_ code: Int32, _ what: @autoclosure () -> String) throws {
        guard code != 0 else { return }
        throw InversionError("XGBoost: \(what()): \(lastError)")
    }

    static var lastError: String {
        guard let message = XGBGetLastError() else { return "unknown error" }
        var line = String(cString: message).split(separator: "\n").first.map(String.init) ?? ""
        if line.hasPrefix("["), let end = line.firstIndex(of: "]") { line = String(line[line.index(after: end)...]) }
        // "/build/…/src/learner.cc:1032: reason": keep the reason.
        if let colon = line.range(of: #"^\s*\S+\.(cc|h):\d+: "#, options: .regularExpression) { line.removeSubrange(colon) }
        return line.trimmingCharacters(in: .whitespaces)
    }
}
