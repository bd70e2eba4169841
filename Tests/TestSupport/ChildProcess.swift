import Foundation

/// Runs a program as a child process and collects its exit status and output.
public struct ChildProcessResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

public enum ChildProcess {
    /// Runs `executable` with `arguments`, waiting for it to end.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ChildProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently with the child, or a chatty child blocks on a full pipe.
        let errData = ReadInBackground(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ChildProcessResult(status: process.terminationStatus,
                                  stdout: String(decoding: outData, as: UTF8.self),
                                  stderr: String(decoding: errData.wait(), as: UTF8.self))
    }

    /// The `regolith` executable that `swift build`/`swift test` built beside the test bundle.
    public static var regolith: String {
        get throws { try builtExecutable("regolith") }
    }

    /// An executable product of this package that `swift build`/`swift test` built beside the test bundle.
    public static func builtExecutable(_ name: String) throws -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        throw TestSupportError("the \(name) executable was not built next to \(executable.path); run `swift build` first")
    }

    /// Runs the built `regolith` with `arguments`.
    public static func regolith(_ arguments: [String], environment: [String: String]? = nil) throws -> ChildProcessResult {
        try run(try regolith, arguments, environment: environment)
    }

    /// Runs `executable` like `run` under GNU time, and returns the child's peak resident memory in
    /// bytes too. Not wait4's ru_maxrss of a child spawned here: Linux carries the parent's peak
    /// over into a vfork()ed child at exec, so a test process of 700 MiB would see 700 MiB; GNU time
    /// forks the child from its own small process.
    public static func runMeasuringMemory(_ executable: String, _ arguments: [String],
                                          environment: [String: String]? = nil) throws -> (result: ChildProcessResult, peakResidentBytes: Int) {
        guard FileManager.default.isExecutableFile(atPath: gnuTime) else {
            throw TestSupportError("\(gnuTime) (Debian's `time`) is missing; tools/install-deps.sh installs it")
        }
        let folder = try TemporaryDirectory("regolith-time")
        let report = folder.file("maxrss")
        let result = try run(gnuTime, ["--format", "%M", "--output", report, executable] + arguments, environment: environment)
        let text = try String(contentsOfFile: report, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let kibibytes = text.split(separator: "\n").last.flatMap({ Int($0) }) else {
            throw TestSupportError("\(gnuTime) reported no peak memory: \(text)")
        }
        return (result, kibibytes * 1024)
    }

    public static let gnuTime = "/usr/bin/time"

    /// The path of a command on PATH (e.g. `gdalinfo`), or nil.
    public static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

private final class ReadInBackground: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
