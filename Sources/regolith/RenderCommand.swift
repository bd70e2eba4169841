import ArgumentParser
import Foundation
import Inversion
import RasterIO

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Quick-looks: a map as PNG (colour ramp, legend, scale bar, nodata transparent), a scene in true or false colour, or validation scatter plots as SVG.",
        discussion: """
            A map is averaged down to --max-size pixels on its long side (GDAL's overviews when the file has them) and coloured with the viridis ramp between its 2nd and 98th percentiles. With --rgb or --bands R,G,B a scene is drawn in colour instead: each of the three bands stretched between its own 2nd and 98th percentiles (GF-2: --rgb is true colour 3,2,1; --bands 4,3,2 is false colour, vegetation red). With --validation (the validation.json `train` writes beside a model), --out is a folder that receives one SVG per method and validation: predicted against measured content at the test samples, with the 1 : 1 line, R² and RMSE (the paper's Figure 9).

            Examples:
              regolith render content.tif --out content.png
              regolith render geochem.tif --out geochem.png --max-size 2048 --unit %
              regolith render content.tif --outlines ranks.tif --out areas.png
              regolith render reflectance.tif --rgb --out scene.png
              regolith render reflectance.tif --bands 4,3,2 --out false-colour.png
              regolith render --validation model/validation.json --out plots/
            """
    )

    @Argument(help: "The map (.tif).") var map: String?
    @Option(help: "Output .png (a map) or folder (--validation).") var out: String
    @Option(help: "validation.json from `regolith train`: draw its scatter plots instead of a map.") var validation: String?
    @Option(help: "Band to draw.") var band = 1
    @Option(help: ArgumentHelp("Draw these three bands of a scene as red, green, blue, each stretched between its 2nd and 98th percentiles.", valueName: "R,G,B"))
    var bands: String?
    @Flag(help: "Draw a GF-2 scene in true colour: --bands 3,2,1.") var rgb = false
    @Option(help: "Longest side of the image in pixels.") var maxSize = 1024
    @Option(help: "Unit printed under the legend (default: the band's unit type, as krige, invert and run record it).") var unit: String?
    @Option(help: "A raster of area labels on the same grid (e.g. `anomalies --labels`): draw their outlines in red.") var outlines: String?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard maxSize >= 16 else { throw ValidationError("--max-size must be at least 16") }
        guard (map == nil) != (validation == nil) else { throw ValidationError("give a map or --validation, not both") }
        guard !(rgb && bands != nil) else { throw ValidationError("give --rgb or --bands, not both") }
        if bands != nil && colourBands == nil { throw ValidationError("--bands must be three band numbers such as 3,2,1") }
    }

    func run() throws {
        global.apply()
        try OutputPaths.check(outputs: [(out, validation == nil ? .file : .folder)], inputs: [map, validation, outlines].compactMap { $0 })
        if let validation {
            try scatterPlots(validation)
            return
        }
        if let colourBands {
            let result = try CompositeQuickLook(bands: colourBands, maxSize: maxSize).render(scene: map!, to: out)
            let stretches = result.stretches.map { "\($0.lower)…\($0.upper)" }.joined(separator: ", ")
            print("wrote \(out) (\(result.width)×\(result.height), bands \(colourBands.map(String.init).joined(separator: ",")) stretched \(stretches))")
            return
        }
        let result = try QuickLook(maxSize: maxSize, unit: try unit ?? Raster.open(map!).bands.dropFirst(band - 1).first?.unitType ?? "").render(map: map!, band: band, outlines: outlines, to: out)
        print("wrote \(out) (\(result.width)×\(result.height), ramp \(result.lower)…\(result.upper))")
    }

    /// The bands of a colour quick-look, or nil for a single-band map.
    private var colourBands: [Int]? {
        if rgb { return CompositeQuickLook.trueColour }
        guard let bands else { return nil }
        let numbers = bands.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return numbers.count == 3 && numbers.allSatisfy({ $0 >= 1 }) ? numbers : nil
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
