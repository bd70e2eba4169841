import ArgumentParser
import Foundation
import Pipeline
import RasterIO

struct SamplesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samples",
        abstract: "Build the surface-to-surface sample set: band values and kriged content at each sample's pixel.",
        discussion: """
            Puts the samples (lon/lat, or any CRS with --samples-crs) on the reflectance scene's pixels, reads each pixel's bands, krigs the sample contents (all samples inside the scene) and takes the kriged content at each sample's pixel centre as the target the models learn, as the paper does. Samples outside the scene, on nodata, at a duplicate location or on a pixel already taken are dropped and listed with their ids.

            Output CSV: id,x,y,column,row,pixel_x,pixel_y,b1..bN,<features>,<column>,<column>_sample, with one column per scene band and, with --covariate/--terrain/--index, one per extra feature (named as the options say), computed as `invert` computes them for the map. Give `train` the same options.

            Examples:
              regolith samples refl.tif samples.csv --out sampleset.csv
              regolith samples refl.tif samples.csv --out sampleset.csv \\
                  --block 4 --model sph
              regolith samples refl.tif samples.csv --out sampleset.csv \\
                  --covariate dem=srtm.tif --covariate geology=geol.tif:nearest \\
                  --terrain slope,tpi --index ndvi
            """
    )

    @Argument(help: "The reflectance scene (from `regolith calibrate`, or made elsewhere with --input reflectance).")
    var scene: String

    @Argument(help: "Samples CSV (comma, semicolon or tab; any line ends): unique ids, coordinate columns (lon/lat, x/y, …, or --x-column/--y-column) and the content column.")
    var samples: String

    @Option(help: "Output sample set CSV.")
    var out: String

    @OptionGroup var samplesFile: SamplesFileOptions
    @OptionGroup var sceneInput: SceneInputOptions
    @OptionGroup var kriging: KrigingOptions
    @OptionGroup(title: "Covariates") var covariates: CovariateOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws { try sceneInput.refuseDN("samples") }

    func run() throws {
        global.apply()
        let covariateSettings = try covariates.settings()
        try OutputPaths.check(outputs: [(out, .file)], inputs: [scene, samples] + covariateSettings.covariates.map(\.path))
        var construction = SampleSetConstruction(scene: scene, samples: samples, column: samplesFile.column, samplesCRS: try samplesFile.sourceCRS(),
                                                 kriging: kriging.settings, format: samplesFile.format)
        construction.unit = samplesFile.unit
        construction.covariates = covariateSettings
        construction.affine = try sceneInput.sceneInput.storedToReflectance(scene: scene, threads: ProcessInfo.processInfo.activeProcessorCount)
        let result = try construction.run()
        try result.sampleSet.write(to: out)
        print(result.summary)
        print("wrote \(out)")
        if !global.quiet {
            for d in result.summary.dropped { FileHandle.standardError.write(Data("regolith: dropped sample \(d.id) (line \(d.line)): \(d.reason)\n".utf8)) }
        }
    }
}
