import Foundation

/// Progress on stderr: a rewritten line on a terminal, a line every few seconds otherwise.
enum Progress {
    nonisolated(unsafe) private static var lastLine = Date.distantPast
    private static let isTerminal = isatty(STDERR_FILENO) != 0

    static func report(done: Int, total: Int, started: Date, what: String) {
        let now = Date()
        let elapsed = now.timeIntervalSince(started)
        guard isTerminal || now.timeIntervalSince(lastLine) >= 5 || done == total else { return }
        lastLine = now
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let rate = elapsed > 0 ? Double(done) / elapsed / 1e6 : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let text = String(format: "%@ %5.1f%%  %.1f Mpixel/s  ETA %.0f s", what, fraction * 100, rate, eta)
        FileHandle.standardError.write(Data((isTerminal ? "\r\(text)" : "\(text)\n").utf8))
    }

    static func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
