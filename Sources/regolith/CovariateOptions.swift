import Foundation
import ArgumentParser
import Inversion
import Pipeline
import RasterIO

/// `--covariate`, `--terrain`, `--terrain-from`, `--index` and `--focal-means`: features besides the scene's bands.
struct CovariateOptions: ParsableArguments {
    @Option(name: .customLong("covariate"), help: ArgumentHelp("An extra raster as predictor, NAME=PATH[:RESAMPLING], repeatable: any CRS and resolution, resampled onto the scene's grid by GDAL's warper as gdalwarp -te/-ts/-r would (bilinear by default; cubic, cubicspline, lanczos, average; nearest or mode for categories such as a geology map). Its feature is NAME (NAME_1, NAME_2, … for a raster of several bands). Pixels it does not cover are nodata.", valueName: "name=path[:resampling]"))
    var covariate: [String] = []

    @Option(help: ArgumentHelp("Terrain derivatives of the DEM covariate, comma-separated: slope, aspect, tri, tpi, roughness (gdaldem's, computed tile by tile with the neighbours they need; nodata at the scene's edge as gdaldem leaves it).", valueName: "list"))
    var terrain: String?

    @Option(help: "The covariate the terrain derivatives come from (default: dem).")
    var terrainFrom: String?

    @Option(name: .customLong("index"), help: ArgumentHelp("Spectral indices as features, comma-separated: \(FeatureExtractor.indexHelp), of reflectance.", valueName: "list"))
    var index: String?

    @Option(help: ArgumentHelp("Spatial context as features: each scene band's mean reflectance over a K × K window around the pixel (pixels with data inside the scene), comma-separated odd sides from 3 to 63, e.g. 9 or 5,9. Features b<N>_mean<K>.", valueName: "list"))
    var focalMeans: String?

    func validate() throws { _ = try settings() }

    func settings() throws -> CovariateSettings {
        var settings = CovariateSettings()
        do {
            settings.covariates = try covariate.map(CovariateSettings.covariate)
        } catch let error as InversionError {
            throw ValidationError("--covariate: \(error)")
        }
        settings.terrain = Self.list(terrain)
        if let unknown = settings.terrain.first(where: { TerrainAnalysis.processing[$0] == nil }) {
            throw ValidationError("--terrain: no terrain derivative '\(unknown)' (\(TerrainAnalysis.processing.keys.sorted().joined(separator: ", ")))")
        }
        settings.terrainSource = terrainFrom ?? settings.terrainSource
        settings.indices = Self.list(index)
        for text in Self.list(focalMeans) {
            guard let side = Int(text) else { throw ValidationError("--focal-means: '\(text)' is not a window side (odd, 3 to 63)") }
            if let problem = CovariateSettings.focalMeanProblem(side) { throw ValidationError("--focal-means: \(problem)") }
            settings.focalMeans.append(side)
        }
        return settings
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
