import Foundation
import RasterIO

/// Runs a kernel over many scenes: one output per scene in a folder, then a VRT mosaic of them
/// (and optionally a COG). Every scene is checked before any work starts, so a bad scene in a list
/// of hundreds fails in seconds, not hours.
public enum SceneBatch {
    public struct Result: Sendable {
        public let scenes: [SceneRunResult]
        public let mosaic: String?
        public let cog: String?
    }

    /// Reads a list of scene paths: the arguments themselves, or for `@file.txt` the file's lines
    /// (any line ends, a byte-order mark, blank lines and `#` comments allowed; relative paths are
    /// relative to the list file's folder). A list that names no scene is refused, naming the list.
    public static func expand(_ arguments: [String]) throws -> [String] {
        try arguments.flatMap { argument -> [String] in
            guard argument.hasPrefix("@") else { return [argument] }
            let listPath = String(argument.dropFirst())
            guard let data = FileManager.default.contents(atPath: listPath) else {
                throw RasterError(listPath, FileManager.default.fileExists(atPath: listPath) ? .unreadable : .notFound, "cannot read the scene list")
            }
            guard let text = TextLines.decode(data) else { throw RasterError(listPath, .unreadable, "the scene list is not UTF-8 or UTF-16 text") }
            let folder = (listPath as NSString).deletingLastPathComponent
            let scenes = TextLines.split(text).map { $0.text.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
                .map { $0.hasPrefix("/") || folder.isEmpty ? $0 : (folder as NSString).appendingPathComponent($0) }
            guard !scenes.isEmpty else { throw RasterError(listPath, .invalidArgument, "the scene list names no scene (only blank lines or # comments)") }
            return scenes
        }
    }

    /// The output path for a scene: `<folder>/<scene stem>.<suffix>.tif`.
    public static func outputPath(for scene: String, in folder: String, suffix: String) -> String {
        let stem = URL(fileURLWithPath: scene).deletingPathExtension().lastPathComponent
        return (folder as NSString).appendingPathComponent("\(stem).\(suffix).tif")
    }

    /// Checks that every scene opens, has the kernel's bands, and shares the first scene's CRS; for
    /// outputs that are mosaicked (`forMosaic`), that every scene has map coordinates.
    /// `source` is what the engine reads for a scene (the scene itself, or e.g. its orthorectified view).
    public static func validate(_ scenes: [String], kernel: some TileKernel, forMosaic: Bool = false,
                                source: (String) throws -> RasterSource = { .file($0) }) throws {
        guard !scenes.isEmpty else { throw EngineError("no scenes given") }
        var firstCRS: (String, SpatialReference?)? = nil
        var stems = Set<String>()
        for scene in scenes {
            let raster = try source(scene).open()
            if forMosaic && raster.geoTransform == nil {
                throw RasterError.needsMapCoordinates(scene, for: "a mosaic (several scenes, or a sharded run's units)")
            }
            for band in kernel.inputBands where band > raster.bandCount {
                throw RasterError(scene, .mismatch, "has \(raster.bandCount) band(s), but \(kernel.signature) needs band \(band)")
            }
            if let (name, crs) = firstCRS {
                let same = switch (crs, raster.spatialReference) {
                case let (a?, b?): a.isSame(as: b)
                case (nil, nil): true
                default: false
                }
                if !same {
                    throw RasterError(scene, .mismatch, "CRS \(raster.spatialReference?.description ?? "none") differs from \(name)'s \(crs?.description ?? "none"); a mosaic needs one CRS (reproject with gdalwarp first)")
                }
            } else {
                firstCRS = (scene, raster.spatialReference)
            }
            let stem = URL(fileURLWithPath: scene).deletingPathExtension().lastPathComponent
            guard stems.insert(stem).inserted else {
                throw RasterError(scene, .mismatch, "another scene in the list has the same name \(stem); outputs would collide")
            }
        }
    }

    public static func run(_ kernel: some TileKernel, scenes: [String], outputFolder: String, suffix: String,
                           options: EngineOptions, cog: Bool, progress: ProgressReporter?,
                           source: (String) throws -> RasterSource = { .file($0) }) throws -> Result {
        try run(kernels: scenes.map { _ in kernel }, scenes: scenes, outputFolder: outputFolder, suffix: suffix, options: options, cog: cog,
                progress: progress, source: source)
    }

    /// `kernels[i]` maps `scenes[i]` (e.g. each DN product with its own calibration folded in).
    public static func run<Kernel: TileKernel>(kernels: [Kernel], scenes: [String], outputFolder: String, suffix: String,
                                               options: EngineOptions, cog: Bool, progress: ProgressReporter?,
                                               source: (String) throws -> RasterSource = { .file($0) }) throws -> Result {
        precondition(kernels.count == scenes.count, "one kernel per scene")
        for (kernel, scene) in zip(kernels, scenes) { try validate([scene], kernel: kernel, forMosaic: true, source: source) }
        try validate(scenes, kernel: kernels[0], forMosaic: true, source: source)
        do {
            try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        } catch {
            throw RasterError(outputFolder, .notWritable, "cannot create the output folder")
        }
        var results: [SceneRunResult] = []
        for (kernel, scene) in zip(kernels, scenes) {
            results.append(try TilePipeline.run(kernel, source: try source(scene), outputs: [outputPath(for: scene, in: outputFolder, suffix: suffix)],
                                                options: options, progress: progress))
        }
        let mosaic = (outputFolder as NSString).appendingPathComponent("mosaic.\(suffix).vrt")
        try RasterCopies.buildVRT(from: results.map(\.output), to: mosaic, nodata: Double(kernels[0].outputNodata))
        var cogPath: String? = nil
        if cog {
            let path = (outputFolder as NSString).appendingPathComponent("mosaic.\(suffix).cog.tif")
            var cogOptions = COGOptions()
            cogOptions.threads = options.threads
            cogOptions.compression = options.compression
            try RasterCopies.writeCOG(from: mosaic, to: path, options: cogOptions)
            cogPath = path
        }
        return Result(scenes: results, mosaic: mosaic, cog: cogPath)
    }
}
