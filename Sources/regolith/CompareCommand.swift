import ArgumentParser
import Foundation
import Inversion
import RasterIO

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two content maps on one grid: correlation, R², RMSE, and agreement of their high-anomaly areas.",
        discussion: """
            The paper's Figure 10 comparison (inverted map against the kriged geochemical map) as numbers, over the pixels valid in both. High-anomaly areas are each map's pixels at or above its own --percentile; their agreement is the intersection over union and the share of the reference's high pixels the map finds.

            Examples:
              regolith compare content.tif geochem.tif
              regolith compare content.tif truth/re2o3.tif --percentile 95 \\
                  --json compare.json
            """
    )

    @Argument(help: "The map to judge.") var map: String
    @Argument(help: "The reference map on the same grid.") var reference: String
    @Option(help: "Upper percentile that makes a pixel high-anomaly.") var percentile = 90.0
    @Option(help: "Also write the figures as JSON to this path.") var json: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard percentile > 0, percentile < 100 else { throw ValidationError("--percentile must be between 0 and 100") }
    }

    func run() throws {
        global.apply()
        try OutputPaths.check(outputs: json.map { [($0, .file)] } ?? [], inputs: [map, reference])
        let c = try MapComparison.compare(map: map, reference: reference, highPercentile: percentile)
        print(String(format: """
            pixels       %d valid in both
            correlation  Pearson r %.4f
            R²           %.4f (map as a prediction of the reference)
            RMSE         %.4f, bias %+.4f
            high areas   ≥ P%g: map ≥ %.4g, reference ≥ %.4g; IoU %.3f, recall %.3f
            """, c.pixels, c.pearson, c.r2, c.rmse, c.bias, c.highPercentile, c.mapThreshold, c.referenceThreshold, c.highIoU, c.highRecall))
        if let json { try AtomicTextFile.writeJSON(c, to: json) }
    }
}
