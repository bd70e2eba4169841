import Foundation
import Synchronization

/// Progress of long work on stderr: a bar with tiles, Mpixel/s and ETA rewritten in place on a
/// terminal; a plain line every few seconds otherwise (batch logs); JSON lines with
/// `--log-format json`; nothing with `--quiet`.
public final class ProgressReporter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public let task: String
    private let format: Format
    private let quiet: Bool
    private let isTerminal: Bool
    private let interval: Double
    private let state: Mutex<State>

    private struct State {
        var started = Date()
        var lastPrinted = Date.distantPast
        var unitsDone = 0
        var pixelsDone = 0
        var unitsTotal = 0
        var pixelsTotal = 0
        var printedBar = false
    }

    public init(task: String, format: Format = .text, quiet: Bool = false, interval: Double = 5,
                isTerminal: Bool = isatty(STDERR_FILENO) != 0) {
        self.task = task
        self.format = format
        self.quiet = quiet
        self.isTerminal = isTerminal
        self.interval = interval
        state = Mutex(State())
    }

    /// A reporter like this one for a step of its task ("mosaic: view 2 of 9").
    public func step(_ name: String) -> ProgressReporter {
        ProgressReporter(task: "\(task): \(name)", format: format, quiet: quiet, interval: interval, isTerminal: isTerminal)
    }

    /// Starts (or restarts) the count: `units` tiles (or chunks) of `pixels` in all, some already done.
    public func start(units: Int, pixels: Int, alreadyDoneUnits: Int = 0, alreadyDonePixels: Int = 0) {
        state.withLock {
            $0 = State()
            $0.unitsTotal = units
            $0.pixelsTotal = pixels
            $0.unitsDone = alreadyDoneUnits
            $0.pixelsDone = alreadyDonePixels
        }
    }

    /// Counts finished work and prints when due.
    public func advance(units: Int = 1, pixels: Int) {
        let line: String? = state.withLock { s in
            s.unitsDone += units
            s.pixelsDone += pixels
            let now = Date()
            let due = isTerminal && format == .text ? now.timeIntervalSince(s.lastPrinted) >= 0.2
                : now.timeIntervalSince(s.lastPrinted) >= interval
            guard !quiet, due || s.unitsDone == s.unitsTotal else { return nil }
            s.lastPrinted = now
            if isTerminal && format == .text { s.printedBar = true }
            return render(s, now: now)
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// A one-off message in the same channel (e.g. "resuming: 12 of 40 tiles done").
    public func note(_ message: String) {
        guard !quiet else { return }
        let text: String
        if format == .json {
            text = jsonLine(["event": "note", "task": task, "message": message])
        } else {
            text = "\(task): \(message)\n"
        }
        let clear = state.withLock { s -> Bool in defer { s.printedBar = false }; return s.printedBar }
        FileHandle.standardError.write(Data(((clear ? "\n" : "") + text).utf8))
    }

    /// Ends the bar's line on a terminal.
    public func finish() {
        let needsNewline = state.withLock { s -> Bool in defer { s.printedBar = false }; return s.printedBar }
        if needsNewline && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func render(_ s: State, now: Date) -> String {
        let elapsed = max(1e-9, now.timeIntervalSince(s.started))
        let fraction = s.pixelsTotal > 0 ? Double(s.pixelsDone) / Double(s.pixelsTotal) : 1
        let rate = Double(s.pixelsDone) / elapsed / 1e6
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        switch format {
        case .json:
            return jsonLine(["event": "progress", "task": task, "tiles_done": s.unitsDone, "tiles_total": s.unitsTotal,
                             "fraction": (fraction * 1e4).rounded() / 1e4, "mpixel_per_s": (rate * 100).rounded() / 100,
                             "eta_s": (remaining * 10).rounded() / 10, "elapsed_s": (elapsed * 10).rounded() / 10])
        case .text:
            let text = String(format: "%@ %@ %5.1f%%  %d/%d tiles  %.1f Mpixel/s  ETA %@", task,
                              isTerminal ? bar(fraction) : "", fraction * 100, s.unitsDone, s.unitsTotal, rate, duration(remaining))
            return isTerminal ? "\r\u{1B}[K" + text : text.replacingOccurrences(of: "  ", with: " ") + "\n"
        }
    }

    private func bar(_ fraction: Double) -> String {
        let width = 24, filled = Int((fraction * Double(width)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
    }

    private func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}

/// One JSON object per line, keys sorted (for `--log-format json`).
func jsonLine(_ fields: [String: Any]) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
}
