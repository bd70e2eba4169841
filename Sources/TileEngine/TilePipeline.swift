import Dispatch
import Foundation
import RasterIO
import Synchronization

/// What one scene's run did.
public struct SceneRunResult: Sendable {
    public let input: String
    /// The (first) output file.
    public let output: String
    public let plan: TilePlan
    public let tiles: Int
    /// Tiles a previous, interrupted run had finished.
    public let resumedTiles: Int
    /// Pixels processed by this run (resumed tiles excluded), for its rate.
    public let pixels: Int
    public let seconds: Double
    /// The output's pixels, whether made by this run, resumed or kept.
    public var outputPixels: Int = 0
}

/// Streams one scene through a kernel into a tiled Float32 GeoTIFF: plan → read (a GDAL handle per
/// worker) → compute → write (one handle behind a lock; GDAL compresses on all threads) →
/// checkpoint (flush + journal) → atomic rename. Each worker holds one tile at a time, so reading
/// never runs ahead of the memory plan.
public enum TilePipeline {
    public static func run(_ kernel: some TileKernel, input: String, output: String, region: Window? = nil,
                           options: EngineOptions = EngineOptions(), progress: ProgressReporter? = nil) throws -> SceneRunResult {
        try run(kernel, input: input, outputs: [output], region: region, options: options, progress: progress)
    }

    /// Like `run(_:input:output:)` for kernels whose bands go to several files (`outputFileBands`),
    /// e.g. a kriged map and its variance. The files are written, checkpointed and committed together.
    /// With a `region` (a sharded run's work unit) the outputs cover only that window of the scene;
    /// kernels still see the scene around it (halo) and scene coordinates.
    public static func run(_ kernel: some TileKernel, input: String, outputs: [String], region: Window? = nil,
                           options: EngineOptions = EngineOptions(), progress: ProgressReporter? = nil) throws -> SceneRunResult {
        try run(kernel, source: .file(input), outputs: outputs, region: region, options: options, progress: progress)
    }

    /// Like `run(_:input:outputs:)` for a scene read through a computed view (e.g. orthorectified
    /// on the fly): each worker opens the view itself, and reads only its tiles' windows of it.
    public static func run(_ kernel: some TileKernel, source: RasterSource, outputs: [String], region: Window? = nil,
                           options: EngineOptions = EngineOptions(), progress: ProgressReporter? = nil) throws -> SceneRunResult {
        let input = source.path
        let split = kernel.outputFileBands
        guard outputs.count == split.count, split.reduce(0, +) == kernel.outputBandCount, let output = outputs.first else {
            throw EngineError("\(kernel.signature) writes \(split.count) file(s), \(outputs.count) given")
        }
        let started = Date()
        let pool = try RasterReaderPool(source: source)
        let (sceneSpec, nodata, sourceBlocks) = try pool.withRaster { raster -> (RasterSpec, [Double?], [DecodedBlock]) in
            for band in kernel.inputBands where !(1...raster.bandCount).contains(band) {
                throw RasterError(input, .mismatch, "has \(raster.bandCount) band(s), but \(kernel.signature) needs band \(band)")
            }
            // Descriptions, unit types and colour interpretations are set per output file below.
            var spec = RasterSpec(like: raster, bandCount: kernel.outputBandCount, pixelType: kernel.outputPixelType,
                                  nodata: Double(kernel.outputNodata), bandDescriptions: kernel.outputDescriptions)
            spec.metadata = source.metadata
            return (spec, kernel.inputBands.map { raster.bands[$0 - 1].nodata }, try source.decodedBlocks(view: raster))
        }
        let sceneWindow = Window(width: sceneSpec.width, height: sceneSpec.height)
        let area = region ?? sceneWindow
        guard sceneWindow.contains(area), !area.isEmpty else {
            throw RasterError(input, .mismatch, "has no pixels \(area) (the scene is \(sceneWindow)); was it replaced since the plan?")
        }
        let spec = sceneSpec.cropped(to: area)
        var firstBand = 0
        let fileSpecs = split.indices.map { file -> RasterSpec in
            let count = split[file]
            var fileSpec = spec
            fileSpec.bandCount = count
            fileSpec.pixelType = kernel.outputFilePixelTypes[file]
            fileSpec.nodata = Double(kernel.outputFileNodata[file])
            let bands = firstBand..<(firstBand + count)
            fileSpec.bandDescriptions = Array(kernel.outputDescriptions[bands])
            fileSpec.unitTypes = Array(kernel.outputUnitTypes.dropFirst(firstBand).prefix(count))
            fileSpec.colorInterpretations = Array(kernel.outputColorInterpretations.dropFirst(firstBand).prefix(count))
            firstBand += count
            return fileSpec
        }
        let locations = try outputs.map(AtomicOutputPath.init)
        // Held to the end: a second run on these outputs refuses instead of sharing the partial files.
        let locks = try locations.map { try OutputLock.acquire($0) }
        defer { locks.forEach { $0.release() } }
        let location = locations[0]
        let journalPath = location.temporaryPath + ".journal"
        if options.restart {
            locations.forEach { $0.discard() }
            TileJournal.remove(journalPath)
        }
        let journalTileSize = options.tileSize == nil ? try previousTileSize(journalPath) : nil
        // A computed view (an orthorectifying warped VRT) does its work in the reads, which run
        // only as parallel as the tiles: the planner's tiles are capped so that every thread has some.
        let plan = try TilePlanner.plan(
            budget: options.memoryBudget, baseline: ProcessMemory.resident, threads: options.threads, halo: kernel.halo,
            inputBands: kernel.inputBands.count, outputBands: kernel.outputBandCount,
            scratchBytesPerPixel: kernel.scratchBytesPerPixel, scratchBytesPerThread: kernel.scratchBytesPerThread,
            sharedScratchBytes: kernel.sharedScratchBytes, sourceBlocks: sourceBlocks, tileAlignment: kernel.tileAlignment,
            sceneWidth: area.width, sceneHeight: area.height, requestedTileSize: options.tileSize ?? journalTileSize,
            largestChosenTile: source.derivation.isEmpty ? TilePlanner.largestTile
                : TilePlanner.largestTile(sharing: area.width, area.height, among: options.threads))
        GDAL.setCacheSize(bytes: plan.cacheBytes)

        let derivation = source.derivation.isEmpty ? "" : " of \(source.derivation)"
        // The files a derived source reads besides the scene (a DEM, a PAN): a resume must not mix
        // pixels warped over two different DEMs. Known by size and date, as the scene itself is
        // (hashing a DEM of hundreds of MB, or a PAN inside a tarball, would cost a pass of its own).
        var auxiliary: [ContentInput] = []
        for (role, path) in source.auxiliaryFiles where !auxiliary.contains(where: { $0.role == role }) {
            guard let status = VirtualFile.status(path) else { throw RasterError(path, .notFound, "no such file") }
            auxiliary.append(ContentInput(role: role, source: path, digest: "\(status.bytes) bytes, modified \(status.modified)"))
        }
        let signature = try RunSignature(kernel: kernel.signature + derivation + (region.map { " region \($0)" } ?? ""), contentInputs: kernel.contentInputs + auxiliary,
                                         input: input, tileSize: plan.tileSize, blockSize: plan.blockSize)
        var specs = fileSpecs
        if options.keepsFinishedOutputs {
            let identity = try Self.identity(signature, outputs: locations.map(\.finalPath), specs: fileSpecs, predictors: kernel.outputFilePredictors, options: options)
            if !options.restart, !FileManager.default.fileExists(atPath: journalPath),
               try locations.allSatisfy({ try Self.recordedIdentity($0.finalPath) == identity }) {
                progress?.note("keeping \(output): made already by the same operation from the same inputs")
                let tiles = area.tiles(width: plan.tileSize, height: plan.tileSize).count
                return SceneRunResult(input: input, output: output, plan: plan, tiles: tiles, resumedTiles: tiles, pixels: 0,
                                      seconds: Date().timeIntervalSince(started), outputPixels: area.pixelCount)
            }
            for k in specs.indices { specs[k].metadata.append((Self.identityKey, identity)) }
        }
        let (outputFiles, journal) = try openOutputs(locations: locations, journalPath: journalPath, specs: specs,
                                                     predictors: kernel.outputFilePredictors, plan: plan,
                                                     signature: signature, threads: options.threads,
                                                     compression: options.compression, zstdLevel: options.zstdLevel, progress: progress)
        let writers = outputFiles.map(ConcurrentRasterWriter.init)
        let allTiles = area.tiles(width: plan.tileSize, height: plan.tileSize)
        let todo = allTiles.indices.filter { !journal.finished.contains($0) }
        let resumed = allTiles.count - todo.count
        let totalPixels = area.pixelCount
        let pixelsToDo = todo.reduce(0) { $0 + allTiles[$1].pixelCount }
        if resumed > 0 { progress?.note("resuming \(output): \(resumed) of \(allTiles.count) tiles were done") }
        progress?.start(units: allTiles.count, pixels: totalPixels, alreadyDoneUnits: resumed,
                        alreadyDonePixels: totalPixels - pixelsToDo)

        let checkpoints = Checkpointer(journal: journal, writers: writers, interval: options.checkpointInterval)
        let failure = Mutex<(any Error)?>(nil)
        let next = Atomic<Int>(0)
        // Fewer tiles than threads: each tile gets the threads no tile takes.
        let workers = max(1, min(options.threads, todo.count))
        var context = TileContext(kernel: kernel, sceneWidth: sceneWindow.width, sceneHeight: sceneWindow.height, nodata: nodata,
                                  maxTile: plan.tileSize)
        context.parallelism = max(1, options.threads / workers)
        DispatchQueue.concurrentPerform(iterations: workers) { [context] _ in
            var buffers = context.makeBuffers()
            while failure.withLock({ $0 == nil }) {
                let position = next.add(1, ordering: .relaxed).oldValue
                guard position < todo.count else { return }
                let index = todo[position]
                let core = allTiles[index]
                do {
                    try pool.withRaster { raster in try context.read(core, from: raster, into: &buffers) }
                    try context.compute(core, buffers: &buffers)
                    let target = Window(x: core.x - area.x, y: core.y - area.y, width: core.width, height: core.height)
                    try buffers.output.withUnsafeBufferPointer { values in
                        var band = 0
                        for (writer, count) in zip(writers, split) {
                            let range = (band * core.pixelCount)..<((band + count) * core.pixelCount)
                            try writer.write(target, from: UnsafeBufferPointer(rebasing: values[range]))
                            band += count
                        }
                    }
                    try checkpoints.finished(index)
                    progress?.advance(pixels: core.pixelCount)
                    if options.tileDelay > 0 { Thread.sleep(forTimeInterval: options.tileDelay) }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        progress?.finish()
        if let error = failure.withLock({ $0 }) {
            // Keep what is durable: the partial output and its journal stay for a resumed run.
            try? checkpoints.checkpoint()
            throw error
        }
        try checkpoints.checkpoint()
        for writer in writers { try writer.commit() }
        TileJournal.remove(journalPath)
        return SceneRunResult(input: input, output: output, plan: plan, tiles: allTiles.count, resumedTiles: resumed,
                              pixels: pixelsToDo, seconds: Date().timeIntervalSince(started), outputPixels: area.pixelCount)
    }

    /// The metadata item in which an output kept by `EngineOptions.keepsFinishedOutputs` records the
    /// identity of the run that made it.
    public static let identityKey = "REGOLITH_RUN_IDENTITY"

    /// What makes an output what it is: the run's signature (operation, content inputs, input file by
    /// size and date; not the tiling, which the planner may choose otherwise on a rerun and which no
    /// pixel depends on) and how its files are written (bands, metadata, format), as a SHA-256.
    static func identity(_ signature: RunSignature, outputs: [String], specs: [RasterSpec], predictors: [Int?], options: EngineOptions) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var untiled = signature
        (untiled.tileSize, untiled.blockSize) = (0, 0)
        var digest = ContentDigest()
        digest.add(try encoder.encode(untiled))
        let files = zip(outputs, zip(specs, predictors)).map { path, file in
            let (spec, predictor) = file
            return "\(VirtualFile.standardized(path)) \(spec.pixelType) \(spec.bandCount) \(spec.bandDescriptions) units \(spec.unitTypes) colours \(spec.colorInterpretations)"
                + " nodata \(spec.nodata.map { "\($0)" } ?? "none") predictor \(predictor.map(String.init) ?? "default")"
                + " metadata " + spec.metadata.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\u{1f}")
        }
        digest.add(Data((files + ["\(options.compression) level \(options.zstdLevel)"]).joined(separator: "\n").utf8))
        return digest.finalize()
    }

    /// The identity a finished output records (nil: no such file, or none recorded).
    static func recordedIdentity(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path), let raster = try? Raster.open(path) else { return nil }
        return raster.metadataItem(identityKey)
    }

    /// The tile size a previous partial run used, so a resume without --tile-size uses the same grid.
    static func previousTileSize(_ journalPath: String) throws -> Int? {
        guard let handle = FileHandle(forReadingAtPath: journalPath) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 4096)) ?? Data(), as: UTF8.self)
        guard let line = head.split(separator: "\n").first,
              let signature = try? JSONDecoder().decode(RunSignature.self, from: Data(line.utf8)) else { return nil }
        return signature.tileSize
    }

    /// Resumes the partial outputs when their journal matches; otherwise starts new ones.
    private static func openOutputs(locations: [AtomicOutputPath], journalPath: String, specs: [RasterSpec], predictors: [Int?], plan: TilePlan,
                                     signature: RunSignature, threads: Int,
                                     compression: GeoTIFFOptions.Compression, zstdLevel: Int, progress: ProgressReporter?) throws -> ([GeoTIFFOutput], TileJournal) {
        let partialsExist = locations.allSatisfy { FileManager.default.fileExists(atPath: $0.temporaryPath) }
        let journalExists = FileManager.default.fileExists(atPath: journalPath)
        if partialsExist && journalExists {
            let journal: TileJournal
            do {
                journal = try TileJournal(path: journalPath, signature: signature)
            } catch let mismatch as TileJournal.Mismatch {
                throw EngineError(mismatch.description)
            }
            do {
                return (try zip(locations, specs).map { try GeoTIFFOutput(resuming: $0.finalPath, spec: $1) }, journal)
            } catch {
                progress?.note("cannot resume \(locations[0].temporaryPath) (\(error)); starting again")
            }
        }
        locations.forEach { $0.discard() }
        TileJournal.remove(journalPath)
        var options = GeoTIFFOptions()
        options.compression = compression
        options.zstdLevel = zstdLevel
        options.tileSize = plan.blockSize
        options.compressionThreads = threads
        let outputs = try zip(locations, specs).enumerated().map { file, output in
            let (location, spec) = output
            var options = options
            options.predictor = predictors[file]
            let output = try GeoTIFFOutput(creating: location.finalPath, spec: spec, options: options)
            output.keepsPartialOnFailure = true
            // The header must be on disk before the journal says anything about the file.
            try output.flush()
            return output
        }
        return (outputs, try TileJournal(path: journalPath, signature: signature))
    }
}

extension RasterSpec {
    /// The spec of `window` of this grid: its size, and the georeferencing (geotransform or RPC) moved to its corner.
    func cropped(to window: Window) -> RasterSpec {
        var spec = self
        spec.width = window.width
        spec.height = window.height
        if let transform = geoTransform {
            let (x, y) = transform.map(column: Double(window.x), row: Double(window.y))
            var coefficients = transform.coefficients
            coefficients[0] = x
            coefficients[3] = y
            spec.geoTransform = GeoTransform(coefficients)
        }
        // The RPC maps ground to the scene's lines and samples; the window's start at 0, 0.
        spec.rpc = rpc.map { item in
            let shift = item.key == "LINE_OFF" ? window.y : item.key == "SAMP_OFF" ? window.x : 0
            guard shift != 0, let offset = Double(item.value) else { return item }
            return (item.key, String(offset - Double(shift)))
        }
        return spec
    }
}

/// Records finished tiles in the journal, but only after a flush made them durable in the file.
final class Checkpointer: Sendable {
    private struct State {
        var pending: [Int] = []
        var last = Date()
    }

    private let state = Mutex(State())
    private let journal: Mutex<UncheckedJournal>
    private let writers: [ConcurrentRasterWriter]
    private let interval: Double

    init(journal: TileJournal, writers: [ConcurrentRasterWriter], interval: Double) {
        self.journal = Mutex(UncheckedJournal(journal: journal))
        self.writers = writers
        self.interval = interval
    }

    /// Notes a tile whose pixels were written; checkpoints when the interval has passed.
    func finished(_ tile: Int) throws {
        let due = state.withLock { s -> Bool in
            s.pending.append(tile)
            return Date().timeIntervalSince(s.last) >= interval
        }
        if due { try checkpoint() }
    }

    /// Flushes the outputs, then journals every tile written before the flush.
    func checkpoint() throws {
        try journal.withLock { box in
            let written = state.withLock { s -> [Int] in
                defer { s.pending = []; s.last = Date() }
                return s.pending
            }
            for writer in writers { try writer.checkpoint() }
            try box.journal.record(written)
        }
    }
}

/// The journal moves between threads only inside the checkpointer's lock.
private struct UncheckedJournal: @unchecked Sendable {
    let journal: TileJournal
}
