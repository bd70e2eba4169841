import Foundation
import Inversion
import Pipeline
import Testing

/// The `run` configuration's region keys: `scenes` (a list or one catalogue string) and the mosaic's
/// `priority`, `target_date`, `feather`, `cloud_reflectance`.
@Suite struct RegionConfigurationTests {
    @Test func scenesAreAListOrOneCatalogue() throws {
        let list = try RunConfiguration.decode("scenes: [a.tar.gz, b/c.tar.gz]\nsamples: s.csv\n", file: "c.yml")
        #expect(list.scenes == .paths(["a.tar.gz", "b/c.tar.gz"]) && list.scene == nil)
        #expect(try RunConfiguration.decode("scenes: catalogue.json\nsamples: s.csv\n", file: "c.yml").scenes == .catalogue("catalogue.json"))
        #expect(try RunConfiguration.decode("scenes: \"@list.txt\"\nsamples: s.csv\n", file: "c.yml").scenes == .catalogue("@list.txt"))
    }

    @Test func theMosaicKeysDecode() throws {
        let c = try RunConfiguration.decode("scenes: products/\nsamples: s.csv\npriority: date,view\ntarget_date: 2016-12-01\nfeather: 3\ncloud_reflectance: 0.2\n",
                                            file: "c.yml")
        #expect(c.mosaicPriority == [.date, .view] && c.feather == 3 && c.cloudReflectance == 0.2)
        #expect(c.targetDate == MosaicPriority.date(parsing: "2016-12-01T00:00:00Z"))
        #expect(!c.normalise)
        #expect(try RunConfiguration.decode("scenes: products/\nsamples: s.csv\nnormalise: true\n", file: "c.yml").normalise)
    }

    @Test func theModelScopeDecodes() throws {
        let region = try RunConfiguration.decode("scenes: products/\nsamples: s.csv\n", file: "c.yml")
        #expect(region.modelScope == .region && region.minProductSamples == ProductScope.defaultMinimumSamples)
        let product = try RunConfiguration.decode("scenes: products/\nsamples: s.csv\nmodel_scope: product\nmin_product_samples: 8\n", file: "c.yml")
        #expect(product.modelScope == .product && product.minProductSamples == 8)
    }

    @Test(arguments: [
        ("scene: a.tiff\nscenes: c.json\n", "scenes", "give scene (one scene) or scenes (the products of a region), not both"),
        ("scenes: []\n", "scenes", "the list names no product"),
        ("scenes: c.json\nxml: a.xml\n", "xml", "applies to scene only; each product of scenes is calibrated with its own XML"),
        ("scenes: c.json\npansharpen: true\n", "pansharpen", "applies to scene only; the mosaic of scenes is made of the MSS images"),
        ("scene: a.tiff\nfeather: 2\n", "feather", "applies to scenes only (the mosaic of a region's products)"),
        ("scenes: c.json\nfeather: 65\n", "feather", "65 is not between 0 and 64 pixels"),
        ("scene: a.tiff\ntarget_date: 2016-12-01\n", "target_date", "applies to scenes only (the mosaic of a region's products)"),
        ("scenes: c.json\ncloud_reflectance: -1\n", "cloud_reflectance", "-1.0 is not a positive number"),
        ("scene: a.tiff\nnormalise: true\n", "normalise", "applies to scenes only (the mosaic of a region's products)"),
        ("scene: a.tiff\nmodel_scope: product\n", "model_scope", "applies to scenes only (each product of a region's mosaic with its own model)"),
        ("scenes: c.json\nmodel_scope: products\n", "model_scope", "'products' is not a model scope: give region or product"),
        ("scenes: c.json\nmodel_scope: product\nmin_product_samples: 1\n", "min_product_samples", "1 is not between 2 and 1000000"),
        ("scenes: c.json\nmin_product_samples: 8\n", "min_product_samples", "applies with model_scope: product only"),
    ])
    func misuseNamesTheKey(text: String, key: String, problem: String) {
        #expect(throws: ConfigurationError(file: "c.yml", key: key, problem)) {
            try RunConfiguration.decode(text + "samples: s.csv\n", file: "c.yml")
        }
    }

    @Test func badPriorityOrDateNamesTheKey() {
        #expect { try RunConfiguration.decode("scenes: c.json\nsamples: s.csv\npriority: cloud,sun\n", file: "c.yml") } throws: { error in
            String(describing: error).hasPrefix("c.yml: priority: ")
        }
        #expect { try RunConfiguration.decode("scenes: c.json\nsamples: s.csv\ntarget_date: soon\n", file: "c.yml") } throws: { error in
            String(describing: error).hasPrefix("c.yml: target_date: 'soon' is not a date")
        }
    }
}
