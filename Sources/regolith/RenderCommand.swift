import ArgumentParser
import Inversion

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "A PNG quick-look of a map: colour ramp, legend, scale bar, nodata transparent.",
        discussion: """
            The map is averaged down to --max-size pixels on its long side (GDAL's overviews when the
            file has them) and coloured with the viridis ramp between its 2nd and 98th percentiles.

            Examples:
              regolith render content.tif --out content.png
              regolith render geochem.tif --out geochem.png --max-size 2048 --unit %
            """
    )

    @Argument(help: "The map (.tif).") var map: String
    @Option(help: "Output .png.") var out: String
    @Option(help: "Band to draw.") var band = 1
    @Option(help: "Longest side of the image in pixels.") var maxSize = 1024
    @Option(help: "Unit printed after the legend's upper value.") var unit = ""
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard maxSize >= 16 else { throw ValidationError("--max-size must be at least 16") }
    }

    func run() throws {
        global.apply()
        let result = try QuickLook(maxSize: maxSize, unit: unit).render(map: map, band: band, to: out)
        print("wrote \(out) (\(result.width)×\(result.height), ramp \(result.lower)…\(result.upper))")
    }
}
