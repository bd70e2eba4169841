import Pipeline
import RasterIO
import Testing

/// The `run` configuration's orthorectification keys (`dem`, `height`, `t_srs`, `res`, `resampling`).
@Suite struct OrthorectificationConfigurationTests {
    static let minimal = "scene: s-MSS1.tiff\nsamples: s.csv\n"

    @Test func theKeysDecodeIntoSettings() throws {
        let c = try RunConfiguration.decode(Self.minimal + "dem: dem.tif\nt_srs: EPSG:4545\nres: 4\nresampling: cubic\n", file: "c.yml")
        #expect(c.orthorectification == OrthorectificationSettings(dem: "dem.tif", targetCRS: "EPSG:4545", resolution: 4, resampling: .cubic))
        let height = try RunConfiguration.decode(Self.minimal + "height: 850\n", file: "c.yml")
        #expect(height.orthorectification == OrthorectificationSettings(height: 850))
        #expect(try RunConfiguration.decode(Self.minimal, file: "c.yml").orthorectification == nil)
    }

    @Test func pansharpenDecodesAsAFlag() throws {
        #expect(try RunConfiguration.decode(Self.minimal + "pansharpen: true\n", file: "c.yml").pansharpen)
        #expect(try !RunConfiguration.decode(Self.minimal, file: "c.yml").pansharpen)
    }

    @Test(arguments: [
        ("dem: d.tif\nheight: 10", "c.yml: height: give dem or height, not both"),
        ("res: 0", "c.yml: res: 0.0 is not a positive number"),
        ("t_srs: EPSG:99999999", "c.yml: t_srs: 'EPSG:99999999' is not a CRS GDAL knows"),
        ("resampling: lanczos", "c.yml: resampling:"),
        ("pansharpen: 1 m", "c.yml: pansharpen:"),
    ])
    func mistakesNameTheFileAndKey(line: String, expected: String) {
        #expect {
            try RunConfiguration.decode(Self.minimal + line + "\n", file: "c.yml")
        } throws: { error in
            let description = String(describing: error)
            return error is ConfigurationError && description.hasPrefix(expected) && !description.contains("\n")
        }
    }
}
