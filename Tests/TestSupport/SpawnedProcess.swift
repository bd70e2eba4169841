import Foundation

/// A child process started with posix_spawn and reaped here with waitpid, so the test can kill it and
/// see the signal, and nothing else of the test process is waited for. Foundation's `Process` takes
/// a child that closes its inherited descriptors (slurmctld does) for ended and then blocks in
/// waitpid, which stalls every other child process of the test.
public final class SpawnedProcess {
    public let name: String
    public let pid: pid_t
    /// The raw wait status, once the process has ended and been reaped.
    public private(set) var waitStatus: Int32? = nil

    /// Starts `command` (an absolute path and its arguments) with the test's environment plus
    /// `environment`, stdin from /dev/null, stdout to the file `output` and stderr to `errors`
    /// (or to `output` when nil). No other descriptor of the test process is inherited, and the
    /// signal mask and dispositions are reset (the test thread blocks SIGTERM; a child must not).
    public init(_ command: [String], environment: [String: String] = [:], output: String, errors: String? = nil) throws {
        name = (command[0] as NSString).lastPathComponent
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // e.g. the pipes of a child another test reads to its end must not stay open in this one.
        let inherited = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
        for descriptor in inherited where descriptor > 2 { posix_spawn_file_actions_addclose(&actions, descriptor) }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = command.map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), defaults = sigset_t()
        sigemptyset(&noSignals)
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let status = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw TestSupportError("cannot start \(command[0]): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    /// Whether it has ended (reaping it if so).
    public var exited: Bool {
        if waitStatus == nil { reap(options: WNOHANG) }
        return waitStatus != nil
    }

    /// Waits until it ends; returns the raw wait status.
    @discardableResult
    public func wait() -> Int32 {
        while waitStatus == nil { reap(options: 0) }
        return waitStatus!
    }

    private func reap(options: Int32) {
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, options)
        if result == pid { waitStatus = raw } else if result < 0 && errno != EINTR { waitStatus = -1 }
    }

    /// The exit code when it exited normally (not killed by a signal).
    public var exitCode: Int32? {
        guard let waitStatus, waitStatus & 0x7f == 0 else { return nil }
        return (waitStatus >> 8) & 0xff
    }

    /// The signal that ended it, if one did.
    public var terminatingSignal: Int32? {
        guard let waitStatus, waitStatus & 0x7f != 0, waitStatus != -1 else { return nil }
        return waitStatus & 0x7f
    }
}
