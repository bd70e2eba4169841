import Foundation
import TestSupport

/// A one-node Slurm cluster on localhost for a test: munged, slurmctld and slurmd with their own
/// key, sockets, ports, state and logs under a temporary folder (nothing of the system's Slurm or
/// munge setup is used). Debian's `slurm-wlm` and `munge` must be installed
/// (`tools/install-deps.sh --with-slurm`, which `make test` runs); the test never installs them.
/// The daemons are started as `SpawnedProcess`es (posix_spawn, reaped here) and stopped by their
/// PIDs in `stop()`, which `deinit` also calls.
final class SlurmCluster {
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    let folder: TemporaryDirectory
    let configuration: String
    private var daemons: [SpawnedProcess] = []

    /// Environment for client commands (sbatch, squeue, scancel, scontrol) and the jobs.
    var environment: [String: String] { ["SLURM_CONF": configuration] }

    init() throws {
        folder = try TemporaryDirectory("regolith-slurm")
        configuration = folder.file("slurm.conf")
        do {
            try start()
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    // MARK: - What it needs

    static let programs = ["munged", "mungekey", "munge", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo"]

    /// The Slurm and munge programs that are not installed.
    static var missingPrograms: [String] {
        programs.filter { name in
            ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].allSatisfy { !FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
                && ChildProcess.which(name) == nil
        }
    }

    /// slurmd runs the jobs as root here (SlurmUser=root).
    static var runsAsRoot: Bool { getuid() == 0 }

    // MARK: - Bring-up

    private func start() throws {
        let munge = folder.file("munge")
        // munged refuses a socket folder others cannot reach ("Socket is inaccessible").
        try FileManager.default.createDirectory(atPath: munge, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        for sub in ["state", "spool"] { try FileManager.default.createDirectory(atPath: folder.file(sub), withIntermediateDirectories: true) }
        let key = "\(munge)/munge.key", socket = "\(munge)/munge.socket"
        try check(try ChildProcess.run(Self.path("mungekey"), ["--create", "--keyfile=\(key)"]), "mungekey --create")
        try launch("munged", [Self.path("munged"), "-F", "--key-file=\(key)", "--socket=\(socket)", "--pid-file=\(munge)/munged.pid",
                              "--log-file=\(munge)/munged.log", "--seed-file=\(munge)/munged.seed"])
        try waitUntil("munged answers on \(socket)", log: "\(munge)/munged.log") {
            (try? ChildProcess.run(Self.path("munge"), ["-n", "-S", socket]))?.status == 0
        }

        let hardware = try ChildProcess.run(Self.path("slurmd"), ["-C"])
        try check(hardware, "slurmd -C")
        guard let nodeLine = hardware.stdout.split(separator: "\n").first(where: { $0.hasPrefix("NodeName=") }) else {
            throw Unavailable(description: "slurmd -C printed no NodeName line: \(hardware.stdout)")
        }
        // Keep the hardware fields, but name the node localhost (as slurmd -N localhost says).
        let hardwareFields = nodeLine.split(separator: " ").dropFirst().joined(separator: " ")
        let controllerPort = try Self.freePort(), nodePort = try Self.freePort()
        let conf = """
            ClusterName=regolithtest
            SlurmctldHost=localhost
            SlurmctldPort=\(controllerPort)
            SlurmdPort=\(nodePort)
            AuthType=auth/munge
            AuthInfo=socket=\(socket)
            SlurmUser=root
            SlurmdUser=root
            StateSaveLocation=\(folder.file("state"))
            SlurmdSpoolDir=\(folder.file("spool"))
            SlurmctldPidFile=\(folder.file("slurmctld.pid"))
            SlurmdPidFile=\(folder.file("slurmd.pid"))
            SlurmctldLogFile=\(folder.file("slurmctld.log"))
            SlurmdLogFile=\(folder.file("slurmd.log"))
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_CPU
            MailProg=/bin/true
            ReturnToService=2
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            NodeName=localhost NodeAddr=127.0.0.1 \(hardwareFields)
            PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP

            """
        try conf.write(toFile: configuration, atomically: true, encoding: .utf8)

        try launch("slurmctld", [Self.path("slurmctld"), "-D", "-f", configuration])
        try waitUntil("slurmctld is UP", log: folder.file("slurmctld.log")) {
            (try? client("scontrol", ["ping"]))?.stdout.contains("is UP") == true
        }
        try launch("slurmd", [Self.path("slurmd"), "-D", "-N", "localhost", "-f", configuration])
        try waitUntil("the node is idle", log: folder.file("slurmd.log")) {
            (try? client("sinfo", ["-h", "-n", "localhost", "-o", "%t"]))?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "idle"
        }
    }

    private func launch(_ name: String, _ command: [String]) throws {
        daemons.append(try SpawnedProcess(command, environment: environment, output: folder.file("\(name).out")))
    }

    private func waitUntil(_ what: String, log: String, timeout: Double = 20, _ ready: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ready() { return }
            if let dead = daemons.first(where: \.exited) {
                throw Unavailable(description: "\(dead.name) exited (wait status \(dead.waitStatus ?? 0)) while waiting until \(what): \(tail(log)) \(tail(folder.file("\(dead.name).out")))")
            }
            usleep(100_000)
        }
        throw Unavailable(description: "timed out after \(Int(timeout)) s waiting until \(what): \(tail(log))")
    }

    /// Cancels every job of this cluster, then stops the daemons (slurmd, slurmctld, munged) by PID.
    func stop() {
        if daemons.contains(where: { $0.name == "slurmctld" && !$0.exited }) {
            _ = try? client("scancel", ["--user=root"])
            usleep(300_000)
        }
        for daemon in daemons.reversed() where !daemon.exited {
            kill(daemon.pid, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while !daemon.exited && Date() < deadline { usleep(20_000) }
            if !daemon.exited {
                kill(daemon.pid, SIGKILL)
                while !daemon.exited { usleep(20_000) }
            }
        }
        daemons = []
    }

    // MARK: - Clients

    /// Runs a Slurm client command against this cluster.
    @discardableResult
    func client(_ name: String, _ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> ChildProcessResult {
        try ChildProcess.run(Self.path(name), arguments, environment: environment.merging(extraEnvironment) { $1 })
    }

    /// The state of a job (or of each element of an array job, keyed by its id such as 12_3).
    func states(_ job: String) throws -> [String: String] {
        let result = try client("squeue", ["-h", "-r", "-t", "all", "-j", job, "-o", "%i %T"])
        var states: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { states[String(fields[0])] = String(fields[1]) }
        }
        return states
    }

    static let endStates: Set<String> = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "PREEMPTED", "BOOT_FAIL", "DEADLINE"]

    /// Waits until the job (every element of an array) has ended; returns the states.
    func waitForEnd(_ job: String, timeout: Double = 60) throws -> [String: String] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let states = try states(job)
            if !states.isEmpty && states.values.allSatisfy(Self.endStates.contains) { return states }
            usleep(200_000)
        }
        throw Unavailable(description: "job \(job) did not end within \(Int(timeout)) s: \(try states(job)); slurmctld: \(tail(folder.file("slurmctld.log")))")
    }

    func tail(_ path: String, characters: Int = 1500) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no \(path))"
        return "[\((path as NSString).lastPathComponent): \(text.suffix(characters))]"
    }

    private func check(_ result: ChildProcessResult, _ what: String) throws {
        guard result.status == 0 else {
            throw Unavailable(description: "\(what) failed (status \(result.status)): \(result.stderr)\(result.stdout)")
        }
    }

    static func path(_ program: String) -> String {
        for folder in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(program)") {
            return "\(folder)/\(program)"
        }
        return ChildProcess.which(program) ?? program
    }

    /// A TCP port nobody listens on now, so two test runs (or a site's Slurm) do not collide.
    static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw Unavailable(description: "cannot open a socket to find a free port") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0 }
        }
        guard bound else { throw Unavailable(description: "cannot bind a socket to find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
