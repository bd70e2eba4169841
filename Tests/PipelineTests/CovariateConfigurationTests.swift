import Pipeline
import RasterIO
import Testing

/// The `run` configuration's feature keys (`covariates`, `terrain`, `terrain_from`, `indices`).
@Suite struct CovariateConfigurationTests {
    static let minimal = "scene: s.tiff\nsamples: s.csv\n"

    @Test func theKeysDecodeIntoSettings() throws {
        let c = try RunConfiguration.decode(Self.minimal + """
            covariates:
              - {name: dem, path: srtm.tif}
              - {name: geology, path: geol.gpkg.tif, resampling: nearest}
            terrain: [slope, tpi]
            indices: [ndvi, ratio_b4_b3]

            """, file: "c.yml")
        #expect(c.covariates.covariates == [Covariate(name: "dem", path: "srtm.tif", resampling: .bilinear),
                                            Covariate(name: "geology", path: "geol.gpkg.tif", resampling: .nearest)])
        #expect(c.covariates.terrain == ["slope", "tpi"] && c.covariates.terrainSource == "dem" && c.covariates.indices == ["ndvi", "ratio_b4_b3"])
        #expect(try RunConfiguration.decode(Self.minimal, file: "c.yml").covariates.isEmpty)
    }

    @Test(arguments: [
        ("covariates: [{name: dem, path: d.tif, resampling: sinc}]", "c.yml: covariates[0].resampling:"),
        ("covariates: [{name: dem, file: d.tif}]", "c.yml: covariates[0].file:"),
        ("covariates: [{name: 2dem, path: d.tif}]", "c.yml: covariates[0].name: '2dem' is not a feature name"),
        ("covariates: [{name: dem, path: a.tif}, {name: dem, path: b.tif}]", "c.yml: covariates[1].name: 'dem' is given twice"),
        ("covariates: [{name: dem, path: d.tif}]\nterrain: [curvature]", "c.yml: terrain: no terrain derivative 'curvature'"),
        ("terrain: [slope]", "c.yml: terrain_from: no covariate named 'dem'"),
        ("indices: [evi]", "c.yml: indices: no spectral index 'evi'"),
    ])
    func mistakesNameTheFileAndKey(text: String, expected: String) {
        #expect {
            try RunConfiguration.decode(Self.minimal + text + "\n", file: "c.yml")
        } throws: { error in
            let description = String(describing: error)
            return error is ConfigurationError && description.hasPrefix(expected) && !description.contains("\n")
        }
    }
}
