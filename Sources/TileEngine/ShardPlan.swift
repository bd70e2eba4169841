import Dispatch
import Foundation
import RasterIO
import Synchronization

/// One task's part of a sharded run: task `index` of `count` (0-based, as `--shard 3/4` and
/// `SLURM_ARRAY_TASK_ID` give it).
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    /// Where the shard came from, for messages ("--shard", or the Slurm variables).
    public let origin: String

    public init(index: Int, count: Int, origin: String = "--shard") {
        self.index = index
        self.count = count
        self.origin = origin
    }

    public var description: String { "\(index)/\(count)" }

    public static func == (a: Shard, b: Shard) -> Bool { a.index == b.index && a.count == b.count }

    /// Parses `I/N` with 0 ≤ I < N ≤ `ShardPlan.largestTaskCount`; nil for anything else.
    public static func parse(_ text: String) -> Shard? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]),
              (1...ShardPlan.largestTaskCount).contains(count), (0..<count).contains(index) else { return nil }
        return Shard(index: index, count: count)
    }

    /// The shard a Slurm array task runs: `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN` of
    /// `SLURM_ARRAY_TASK_COUNT`; nil outside an array job. A task resubmitted alone
    /// (`sbatch --array=3`) sees a count of 1, which the stored plan then refuses: such a task
    /// must be given `--shard 3/4`.
    public static func fromSlurm(_ environment: [String: String]) throws -> Shard? {
        guard let idText = environment["SLURM_ARRAY_TASK_ID"] else { return nil }
        guard let id = Int(idText) else { throw EngineError("SLURM_ARRAY_TASK_ID '\(idText)' is not a number") }
        guard let countText = environment["SLURM_ARRAY_TASK_COUNT"], let count = Int(countText),
              (1...ShardPlan.largestTaskCount).contains(count) else {
            throw EngineError("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not a task count; pass --shard I/N")
        }
        let minimum = environment["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
        let (index, overflow) = id.subtractingReportingOverflow(minimum)
        let origin = "SLURM_ARRAY_TASK_ID=\(id), SLURM_ARRAY_TASK_MIN=\(minimum), SLURM_ARRAY_TASK_COUNT=\(count)"
        guard !overflow, (0..<count).contains(index) else {
            throw EngineError("\(origin) do not give a task of 0..<\(count) (an array with gaps such as --array=1,5?); submit --array=0-\(count - 1) or pass --shard I/N")
        }
        return Shard(index: index, count: count, origin: origin)
    }
}

/// A scene as the plan saw it: the run's signature includes its size and modification time, so
/// a plan over a changed file is a different plan.
public struct PlannedScene: Codable, Equatable, Sendable {
    public var path: String
    public var stem: String
    /// The size the engine reads: the file's, or its orthorectified view's.
    public var width: Int
    public var height: Int
    public var bytes: Int
    public var modified: Double
    /// How the engine reads it when not as it is (`RasterSource.derivation`, e.g. orthorectified
    /// with a DEM onto a grid), and the other files its pixels are made from; nil for a file read as it is.
    public var reading: String?
    public var auxiliaryFiles: [PlannedFile]?

    /// A file a scene's pixels are made from besides its own (a DEM): a task must find it unchanged.
    public struct PlannedFile: Codable, Equatable, Sendable {
        public var role: String
        public var path: String
        public var bytes: Int
        public var modified: Double
    }

    /// Reads the scene's size from its header, and its file's size and modification time (of
    /// the file itself when `path` is a symbolic link).
    init(header path: String) throws {
        let header = try RasterHeader(path: path)
        try self.init(path: path, width: header.width, height: header.height)
    }

    /// The scene as `source` reads it (e.g. orthorectified on the way in): the view's size, how it
    /// is made and the files it is made from.
    init(path: String, source: RasterSource) throws {
        guard !source.derivation.isEmpty || !source.auxiliaryFiles.isEmpty else {
            try self.init(header: path)
            return
        }
        let view = try source.open()
        try self.init(path: path, width: view.width, height: view.height)
        reading = source.derivation
        auxiliaryFiles = try source.auxiliaryFiles.map { role, file in
            guard let status = VirtualFile.status(file) else {
                throw RasterError(file, .unreadable, "cannot read its size and date (the \(role) of \(path)): \(String(cString: strerror(errno)))")
            }
            return PlannedFile(role: role, path: VirtualFile.standardized(file), bytes: status.bytes, modified: status.modified)
        }
    }

    private init(path: String, width: Int, height: Int) throws {
        guard let status = VirtualFile.status(path) else {
            throw RasterError(path, .unreadable, "cannot read its size and date: \(String(cString: strerror(errno)))")
        }
        self.path = VirtualFile.standardized(path)
        stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        self.width = width
        self.height = height
        bytes = status.bytes
        modified = status.modified
    }
}

/// A piece of work one task does on its own: a band of whole rows of one scene, written to its
/// own file. Units are the same whatever the tile size, memory or thread count of the task.
public struct WorkUnit: Codable, Equatable, Sendable {
    /// Position in the plan (scene order, then top to bottom).
    public var index: Int
    public var scene: Int
    /// First row and the row past the last, in scene pixels.
    public var firstRow: Int
    public var endRow: Int
    public var pixels: Int
    /// The task (0-based) that processes it.
    public var task: Int

    public var name: String { String(format: "rows-%06d-%06d", firstRow, endRow) }
}

/// The deterministic split of a batch of scenes into work units and of the units over tasks.
/// The same scenes, `unitRows` and task count give the same plan on every node; the tasks store
/// it as `plan.json` in the output folder, where `regolith mosaic` finds the units to expect.
public struct ShardPlan: Codable, Equatable, Sendable {
    public static let fileName = "plan.json"
    public static let unitsFolder = "units"
    public static let defaultUnitRows = 2048
    /// More tasks than this are refused (Slurm's own limit on an array is 4 million at most); a
    /// plan holds a record per task.
    public static let largestTaskCount = 1_000_000

    public var scenes: [PlannedScene]
    /// Scene rows per unit (the last unit of a scene may have fewer).
    public var unitRows: Int
    public var tasks: Int
    public var units: [WorkUnit]
    /// The kernel's signature and nodata value; set by the tasks (a plan printed by `regolith
    /// plan` does not know the command yet).
    public var kernel: String?
    /// The kernel's inputs besides the scenes (model, samples), by content.
    public var contentInputs: [ContentInput]?
    public var nodata: Float?

    public var totalPixels: Int { units.reduce(0) { $0 + $1.pixels } }

    /// Plans `scenePaths` from their headers (GDAL opens only the header), or, with `source`, from
    /// the views the engine reads them through (e.g. orthorectified on the way in: the view's grid).
    public static func make(scenes scenePaths: [String], unitRows: Int, tasks: Int,
                            source: (@Sendable (String) throws -> RasterSource)? = nil) throws -> ShardPlan {
        guard !scenePaths.isEmpty else { throw EngineError("no scenes given") }
        guard unitRows >= 1 else { throw EngineError("rows per unit must be positive, not \(unitRows)") }
        guard (1...largestTaskCount).contains(tasks) else { throw EngineError("the task count must be 1 to \(largestTaskCount), not \(tasks)") }
        // Headers are read on all cores (a province is hundreds of scenes); the order stays the list's.
        let headers = Mutex([Result<PlannedScene, any Error>?](repeating: nil, count: scenePaths.count))
        DispatchQueue.concurrentPerform(iterations: scenePaths.count) { index in
            let header = Result {
                try source.map { try PlannedScene(path: scenePaths[index], source: $0(scenePaths[index])) } ?? PlannedScene(header: scenePaths[index])
            }
            headers.withLock { $0[index] = header }
        }
        var stems = Set<String>()
        let scenes = try headers.withLock { $0 }.map { header -> PlannedScene in
            let scene = try header!.get()
            guard stems.insert(scene.stem).inserted else {
                throw RasterError(scene.path, .mismatch, "another scene in the list has the same name \(scene.stem); outputs would collide")
            }
            return scene
        }
        var units: [WorkUnit] = []
        for (sceneIndex, scene) in scenes.enumerated() {
            var row = 0
            while row < scene.height {
                let end = min(scene.height, row + unitRows)
                units.append(WorkUnit(index: units.count, scene: sceneIndex, firstRow: row, endRow: end,
                                      pixels: (end - row) * scene.width, task: 0))
                row = end
            }
        }
        assign(&units, tasks: tasks)
        return ShardPlan(scenes: scenes, unitRows: unitRows, tasks: tasks, units: units, kernel: nil, contentInputs: nil, nodata: nil)
    }

    /// Splits the units, in order, into `tasks` contiguous runs. The largest run gets as few
    /// pixels as possible (the linear partition problem: a binary search on that largest load,
    /// each candidate checked by filling tasks greedily); among such splits, the one that gives
    /// each unit to the task whose even share of the total holds the unit's middle pixel is
    /// preferred, as it spreads the rest evenly. No task idles while there are units for it;
    /// neighbouring units stay on one task.
    static func assign(_ units: inout [WorkUnit], tasks: Int) {
        let total = units.reduce(0) { $0 + $1.pixels }
        guard total > 0 else { return }
        /// Greedy fill up to `capacity`; a new task also starts when only as many units remain
        /// as tasks after this one, so no task idles while there are units.
        func greedy(capacity: Int) -> [Int] {
            var assignment: [Int] = []
            var task = 0, load = 0
            for (i, unit) in units.enumerated() {
                if load > 0 && (load + unit.pixels > capacity || units.count - i <= tasks - task - 1) {
                    task += 1
                    load = 0
                }
                load += unit.pixels
                assignment.append(task)
            }
            return assignment
        }
        func largestLoad(_ assignment: [Int]) -> Int {
            var loads = [Int](repeating: 0, count: (assignment.max() ?? 0) + 1)
            for (unit, task) in zip(units, assignment) { loads[task] += unit.pixels }
            return loads.max() ?? 0
        }
        var low = units.map(\.pixels).max() ?? 0
        var high = total
        while low < high {
            let middle = (low + high) / 2
            if (greedy(capacity: middle).last ?? 0) < tasks { high = middle } else { low = middle + 1 }
        }
        var start = 0
        let evenShares = units.map { unit -> Int in
            defer { start += unit.pixels }
            // (2·start + pixels)·tasks overflows for large batches; the quotient is below tasks.
            let numerator = (2 * start + unit.pixels).multipliedFullWidth(by: tasks)
            return min(tasks - 1, (2 * total).dividingFullWidth(numerator).quotient)
        }
        // Even shares can leave a task idle next to a large unit; then the greedy split is used.
        let evenSharesUseEveryTask = Set(evenShares) == Set(0..<min(tasks, units.count))
        let chosen = evenSharesUseEveryTask && largestLoad(evenShares) <= low ? evenShares : greedy(capacity: low)
        for i in units.indices { units[i].task = chosen[i] }
    }

    public func units(for task: Int) -> [WorkUnit] { units.filter { $0.task == task } }

    public func pixels(for task: Int) -> Int { units(for: task).reduce(0) { $0 + $1.pixels } }

    /// The unit's rows as a window of its scene.
    public func window(of unit: WorkUnit) -> Window {
        Window(x: 0, y: unit.firstRow, width: scenes[unit.scene].width, height: unit.endRow - unit.firstRow)
    }

    /// `<folder>/units/<scene stem>/rows-<first>-<end>.tif`: one file per unit, so no two tasks
    /// ever write the same file.
    public func outputPath(of unit: WorkUnit, in folder: String) -> String {
        let sceneFolder = ((folder as NSString).appendingPathComponent(Self.unitsFolder) as NSString)
            .appendingPathComponent(scenes[unit.scene].stem)
        return (sceneFolder as NSString).appendingPathComponent(unit.name + ".tif")
    }

    public func describe(_ unit: WorkUnit) -> String {
        "\(scenes[unit.scene].stem) rows \(unit.firstRow)–\(unit.endRow) (unit \(unit.index), task \(unit.task))"
    }

    /// Units whose output is not at its final path yet (a unit's file appears there only by the
    /// atomic rename that ends its run).
    public func unfinishedUnits(in folder: String) -> [WorkUnit] {
        units.filter { !FileManager.default.fileExists(atPath: outputPath(of: $0, in: folder)) }
    }

    /// Says how `self` differs from `other` (the plan stored by an earlier task), or nil.
    public func difference(from other: ShardPlan) -> String? {
        if kernel != other.kernel { return "the operation differs (\(other.kernel ?? "none") there, \(kernel ?? "none") now)" }
        if let changed = ContentInput.firstChanged(contentInputs ?? [], from: other.contentInputs ?? []) {
            return "\(changed.name) changed since the plan was stored"
        }
        if tasks != other.tasks { return "it splits over \(other.tasks) task(s), this task was started as one of \(tasks)" }
        if unitRows != other.unitRows { return "its units have \(other.unitRows) rows, now \(unitRows) (--unit-rows)" }
        if scenes.count != other.scenes.count { return "it has \(other.scenes.count) scene(s), now \(scenes.count)" }
        for (now, then) in zip(scenes, other.scenes) where now != then {
            if now.path != then.path { return "its scenes differ (\(then.path) there, \(now.path) now)" }
            if now.reading != then.reading { return "the scene \(now.path) is read differently (\(then.reading ?? "as it is") there, \(now.reading ?? "as it is") now)" }
            if let file = (now.auxiliaryFiles ?? []).first(where: { !(then.auxiliaryFiles ?? []).contains($0) }) {
                return "the \(file.role) \(file.path) of the scene \(now.path) differs from the one the plan was stored with"
            }
            return "the scene \(now.path) has changed since"
        }
        return self == other ? nil : "the plans differ"
    }

    // MARK: - plan.json

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    public static func load(from folder: String) throws -> ShardPlan {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RasterError(path, .notFound, "no plan here; the tasks of a sharded run (--shard or a Slurm array) write it when they start")
        }
        let plan: ShardPlan
        do {
            plan = try JSONDecoder().decode(ShardPlan.self, from: data)
        } catch {
            throw RasterError(path, .unreadable, "not a Regolith plan (\(error))".replacingOccurrences(of: "\n", with: " "))
        }
        if let problem = plan.inconsistency { throw RasterError(path, .unreadable, "not a consistent Regolith plan: \(problem)") }
        return plan
    }

    /// What makes a plan read from a file unusable (a unit outside its scene or the task range,
    /// units out of order), or nil: the mosaic indexes scenes and rows by these numbers.
    var inconsistency: String? {
        guard (1...Self.largestTaskCount).contains(tasks), unitRows >= 1 else {
            return "tasks \(tasks) must be 1 to \(Self.largestTaskCount) and unitRows \(unitRows) at least 1"
        }
        for scene in scenes where scene.width < 1 || scene.height < 1 {
            return "scene \(scene.path) has a size of \(scene.width) × \(scene.height)"
        }
        for (position, unit) in units.enumerated() {
            guard unit.index == position else { return "unit \(position) is numbered \(unit.index)" }
            guard scenes.indices.contains(unit.scene) else { return "unit \(position) names scene \(unit.scene) of \(scenes.count)" }
            guard (0..<tasks).contains(unit.task) else { return "unit \(position) names task \(unit.task) of \(tasks)" }
            guard 0 <= unit.firstRow, unit.firstRow < unit.endRow, unit.endRow <= scenes[unit.scene].height else {
                return "unit \(position) has rows \(unit.firstRow)..<\(unit.endRow), outside its scene's \(scenes[unit.scene].height)"
            }
        }
        return nil
    }

    /// Stores the plan as `<folder>/plan.json`, or checks it against the one an earlier task
    /// stored. Every task of an array starts with this; the file is created by a hard link of a
    /// task-private temporary file, so exactly one task creates it and none overwrites it.
    public func storeOrCheck(in folder: String) throws {
        let path = (folder as NSString).appendingPathComponent(Self.fileName)
        if !FileManager.default.fileExists(atPath: path) {
            let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "/", with: "_")
            let temporary = "\(path).\(host)-\(getpid()).tmp"
            try DurableFile.write(try encoded(), to: temporary)
            defer { unlink(temporary) }
            if link(temporary, path) != 0 && errno != EEXIST {
                // A file system without hard links: rename is atomic too, and every task writes
                // the same bytes.
                guard rename(temporary, path) == 0 else {
                    throw RasterError(path, .notWritable, "cannot store the plan: \(String(cString: strerror(errno)))")
                }
            }
        }
        let stored = try Self.load(from: folder)
        if let difference = difference(from: stored) {
            throw EngineError("\(path): a plan for another run is here: \(difference). Use a new output folder, or remove it to start over" +
                              (tasks != stored.tasks ? " (a task resubmitted alone must be given the total, e.g. --shard I/\(stored.tasks))" : ""))
        }
    }
}

/// What Slurm should reserve for a task given `--memory`.
public enum SlurmRequest {
    /// The engine's contract is peak RSS ≤ budget + 64 MiB; a tenth more covers the page cache
    /// of the files a task writes, which a cgroup-enforcing site counts against the job.
    public static func memoryMiB(budget: Int) -> Int {
        let bytes = Double(budget + (64 << 20)) * 1.1
        return Int((bytes / 1_048_576).rounded(.up))
    }
}
