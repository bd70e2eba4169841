import ArgumentParser
import Foundation
import Inversion
import RasterIO

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Quick-looks: a map as PNG (colour ramp, legend, scale bar, nodata transparent), or validation scatter plots as SVG.",
        discussion: """
            A map is averaged down to --max-size pixels on its long side (GDAL's overviews when the
            file has them) and coloured with the viridis ramp between its 2nd and 98th percentiles.
            With --validation (the validation.json `train` writes beside a model), --out is a folder
            that receives one SVG per method and validation: predicted against measured content at
            the test samples, with the 1 : 1 line, R² and RMSE (the paper's Figure 9).

            Examples:
              regolith render content.tif --out content.png
              regolith render geochem.tif --out geochem.png --max-size 2048 --unit %
              regolith render content.tif --outlines ranks.tif --out areas.png
              regolith render --validation model/validation.json --out plots/
            """
    )

    @Argument(help: "The map (.tif).") var map: String?
    @Option(help: "Output .png (a map) or folder (--validation).") var out: String
    @Option(help: "validation.json from `regolith train`: draw its scatter plots instead of a map.") var validation: String?
    @Option(help: "Band to draw.") var band = 1
    @Option(help: "Longest side of the image in pixels.") var maxSize = 1024
    @Option(help: "Unit printed after the legend's upper value (default: the band's unit type, as krige, invert and run record it).") var unit: String?
    @Option(help: "A raster of area labels on the same grid (e.g. `anomalies --labels`): draw their outlines in red.") var outlines: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard maxSize >= 16 else { throw ValidationError("--max-size must be at least 16") }
        guard (map == nil) != (validation == nil) else { throw ValidationError("give a map or --validation, not both") }
    }

    func run() throws {
        global.apply()
        try OutputPaths.check(outputs: [(out, validation == nil ? .file : .folder)], inputs: [map, validation, outlines].compactMap { $0 })
        if let validation {
            try scatterPlots(validation)
            return
        }
        let result = try QuickLook(maxSize: maxSize, unit: try unit ?? Raster.open(map!).bands.dropFirst(band - 1).first?.unitType ?? "").render(map: map!, band: band, outlines: outlines, to: out)
        print("wrote \(out) (\(result.width)×\(result.height), ramp \(result.lower)…\(result.upper))")
    }

    private func scatterPlots(_ path: String) throws {
        let results = try ValidationFile.load(path).validations
        do { try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
            throw CommandFailure(message: "\(out): cannot create the folder (\(error.localizedDescription))")
        }
        for result in results {
            let name = "\(result.method)-\(result.scheme.hasPrefix("spatial") ? "spatial" : "random")"
                .lowercased().replacingOccurrences(of: " ", with: "-") + ".svg"
            let svg = ScatterPlot(title: "\(result.method), \(result.scheme)", xLabel: "measured" + (unit.map { " (\($0))" } ?? ""),
                                  yLabel: "predicted" + (unit.map { " (\($0))" } ?? ""))
                .svg(observed: result.testMeasured, predicted: result.testPredicted)
            let file = (out as NSString).appendingPathComponent(name)
            try AtomicTextFile.write(svg, to: file)
            print("wrote \(file)")
        }
    }
}
