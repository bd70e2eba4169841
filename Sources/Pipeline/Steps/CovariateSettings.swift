import Foundation
import Inversion
import NeuralNet
import RasterIO

/// The features a run, `samples`, `train` or `invert` adds to the scene's bands (`--covariate`,
/// `--terrain`, `--index`, `--focal-means`; `covariates:`, `terrain:`, `indices:`, `focal_means:` in
/// a run configuration): extra rasters on the scene's grid, terrain derivatives of the DEM among
/// them, spectral indices, the bands' means around each pixel.
public struct CovariateSettings: Sendable, Equatable {
    public var covariates: [Covariate] = []
    /// Terrain derivatives of the covariate `terrainSource` (`slope`, `aspect`, `tri`, `tpi`, `roughness`).
    public var terrain: [String] = []
    public var terrainSource = "dem"
    /// `ndvi`, `ratio_b<i>_b<j>`.
    public var indices: [String] = []
    /// Window sides of the scene bands' focal means (`FeatureStack.focalMeans`).
    public var focalMeans: [Int] = []

    public init() {}

    public var isEmpty: Bool { covariates.isEmpty && terrain.isEmpty && indices.isEmpty && focalMeans.isEmpty }

    /// What is wrong with a focal mean's window side, if anything.
    public static func focalMeanProblem(_ side: Int) -> String? {
        FeatureStack.isFocalMeanSide(side) ? nil : "a focal mean's window side is \(FeatureStack.focalMeanSidesText), not \(side)"
    }

    /// Parses `NAME=PATH[:RESAMPLING]` (resampling default bilinear; `nearest` or `mode` for categories).
    public static func covariate(_ text: String) throws -> Covariate {
        guard let equals = text.firstIndex(of: "=") else {
            throw InversionError("covariate '\(text)': give NAME=PATH[:RESAMPLING], e.g. dem=dem.tif or geology=geol.tif:nearest")
        }
        let name = String(text[..<equals])
        var path = String(text[text.index(after: equals)...])
        var resampling = Covariate.Resampling.bilinear
        if let colon = path.lastIndex(of: ":"), let given = Covariate.Resampling(rawValue: String(path[path.index(after: colon)...])) {
            resampling = given
            path = String(path[..<colon])
        }
        if let problem = Covariate.problem(name: name) { throw InversionError("covariate '\(text)': \(problem)") }
        guard !path.isEmpty else { throw InversionError("covariate '\(text)': no path") }
        return Covariate(name: name, path: path, resampling: resampling)
    }

    /// What is wrong with the settings as given (names, known derivatives and indices), by run
    /// configuration key; the files are checked when the stack is built.
    public var problems: [(key: String, problem: String?)] {
        var names = Set<String>()
        var list: [(key: String, problem: String?)] = covariates.enumerated().map { index, covariate in
            ("covariates[\(index)].name", Covariate.problem(name: covariate.name) ?? (names.insert(covariate.name).inserted ? nil : "'\(covariate.name)' is given twice"))
        }
        list += terrain.map { name in ("terrain", TerrainAnalysis.processing[name] == nil ? "no terrain derivative '\(name)' (\(TerrainAnalysis.processing.keys.sorted().joined(separator: ", ")))" : nil) }
        list.append(("terrain_from", terrain.isEmpty || covariates.contains { $0.name == terrainSource } ? nil : "no covariate named '\(terrainSource)' to compute \(terrain.joined(separator: ", ")) from"))
        list += indices.map { name in ("indices", name == "ndvi" || name.hasPrefix("ratio_b") ? nil : "no spectral index '\(name)' (\(FeatureExtractor.indexHelp))") }
        list += focalMeans.map { ("focal_means", Self.focalMeanProblem($0)) }
        return list
    }

    /// The paths relative to `resolve` (a run configuration's folder).
    public func resolvingPaths(_ resolve: (String) -> String) -> CovariateSettings {
        var settings = self
        settings.covariates = covariates.map { Covariate(name: $0.name, path: resolve($0.path), resampling: $0.resampling) }
        return settings
    }

    /// The feature stack over `sceneBands` (the covariates' band counts read from their files),
    /// checked whole: names unique, terrain and indices known.
    public func featureStack(sceneBands: [Int]) throws -> FeatureStack {
        let described = try covariates.map { covariate in
            let raster = try Raster.open(covariate.path)
            return FeatureStack.Covariate(name: covariate.name, path: covariate.path, resampling: covariate.resampling.rawValue, bands: raster.bandCount)
        }
        let stack = FeatureStack(sceneBands: sceneBands, covariates: described, terrain: terrain,
                                 terrainSource: terrain.isEmpty ? nil : terrainSource, indices: indices, focalMeans: focalMeans)
        var seen = Set<String>()
        for name in stack.featureNames where !seen.insert(name).inserted {
            throw InversionError("the feature '\(name)' is given twice")
        }
        _ = try FeatureExtractor(stack: stack, affine: nil, pixelWidth: 1, pixelHeight: -1)
        return stack
    }

    /// The covariates a feature stack records, as it recorded them (the files it was made from).
    public static func recorded(in stack: FeatureStack) -> [Covariate] {
        stack.covariates.map { Covariate(name: $0.name, path: $0.path, resampling: Covariate.Resampling(rawValue: $0.resampling) ?? .bilinear) }
    }

    /// The covariates that `stack` (a model's record, from `modelFolder`) reads, found by name among
    /// those given; terrain and indices given must be the model's. One line names what is missing.
    public func resolve(for stack: FeatureStack, modelFolder: String) throws -> [Covariate] {
        for covariate in covariates where !stack.covariates.contains(where: { $0.name == covariate.name }) {
            throw InversionError("\(modelFolder): the model was not trained with a covariate '\(covariate.name)' (it reads \(stack.featureNames.joined(separator: ", ")))")
        }
        if !terrain.isEmpty && terrain != stack.terrain {
            throw InversionError("\(modelFolder): the model reads the terrain derivatives [\(stack.terrain.joined(separator: ", "))], not [\(terrain.joined(separator: ", "))]")
        }
        if !indices.isEmpty && indices != stack.indices {
            throw InversionError("\(modelFolder): the model reads the indices [\(stack.indices.joined(separator: ", "))], not [\(indices.joined(separator: ", "))]")
        }
        if !focalMeans.isEmpty && focalMeans != stack.focalMeans {
            throw InversionError("\(modelFolder): the model reads focal means over [\(stack.focalMeans.map(String.init).joined(separator: ", "))], not [\(focalMeans.map(String.init).joined(separator: ", "))]")
        }
        return try stack.covariates.map { recorded in
            guard let given = covariates.first(where: { $0.name == recorded.name }) else {
                throw InversionError("\(modelFolder): the model reads the covariate '\(recorded.name)' (trained with \(recorded.path)); give it with --covariate \(recorded.name)=PATH")
            }
            let bands = try Raster.open(given.path).bandCount
            guard bands == recorded.bands else {
                throw InversionError("\(given.path): the covariate '\(recorded.name)' has \(bands) band(s); the model in \(modelFolder) was trained with \(recorded.bands)")
            }
            return Covariate(name: recorded.name, path: given.path, resampling: Covariate.Resampling(rawValue: recorded.resampling) ?? .bilinear)
        }
    }
}
