import ArgumentParser
import Foundation
import Geostatistics
import Inversion
import RasterIO

struct SamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "Build the surface-to-surface sample set: band values and kriged content at each sample's pixel.",
        discussion: """
            Puts the samples (lon/lat, or any CRS with --samples-crs) on the reflectance scene's pixels,
            reads each pixel's bands, krigs the sample contents (all samples inside the scene) and takes
            the kriged content at each sample's pixel centre as the target the models learn, as the
            paper does. Samples outside the scene, on nodata, at a duplicate location or on a pixel
            already taken are dropped and listed with their ids.

            Output CSV: id,x,y,column,row,pixel_x,pixel_y,b1..b4,<column>,<column>_sample.

            Examples:
              regolith samples refl.tif samples.csv --out sampleset.csv
              regolith samples refl.tif samples.csv --out sampleset.csv --block 4 --model sph
            """
    )

    @Argument(help: "The reflectance scene (from `regolith calibrate`).")
    var scene: String

    @Argument(help: "Samples CSV: id, lon, lat (or x, y) and the content column.")
    var samples: String

    @Option(help: "Output sample set CSV.")
    var out: String

    @OptionGroup var kriging: KrigingOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.apply()
        let result = try SampleSetStep.run(scene: scene, samples: samples, out: out, settings: kriging.settings,
                                           column: kriging.column, sourceCRS: try kriging.sourceCRS())
        print(result.summary)
        if !global.quiet {
            for d in result.dropped { FileHandle.standardError.write(Data("regolith: dropped sample \(d.id) (line \(d.line)): \(d.reason)\n".utf8)) }
        }
    }
}

/// The sample-set step, shared by `samples` and `run`.
enum SampleSetStep {
    static func run(scene: String, samples: String, out: String, settings: KrigingSettings, column: String,
                    sourceCRS: SpatialReference) throws -> (result: SampleSetBuilder.Result, summary: String, dropped: [SampleSetBuilder.Dropped]) {
        let raster = try Raster.open(scene)
        let table = try GeochemicalSamples(path: samples, valueColumn: column, sourceCRS: sourceCRS,
                                           targetCRS: raster.spatialReference)
        let result: SampleSetBuilder.Result
        do {
            result = try SampleSetBuilder(settings: settings).build(scene: scene, samples: table)
        } catch let error as GeostatisticsError {
            throw CommandFailure(message: "\(samples): \(error)")
        }
        try result.sampleSet.write(to: out)
        let reasons = Dictionary(grouping: result.dropped, by: { $0.reason.components(separatedBy: " as ").first ?? $0.reason })
            .map { "\($0.value.count) \($0.key)" }.sorted().joined(separator: ", ")
        let summary = """
            samples      \(table.count) in \(samples); \(result.sampleSet.count) in the sample set\(result.dropped.isEmpty ? "" : ", dropped: \(reasons)")
            variogram    \(result.fit.model.summary), from \(result.krigedFrom) samples
            wrote \(out)
            """
        return (result, summary, result.dropped)
    }
}
