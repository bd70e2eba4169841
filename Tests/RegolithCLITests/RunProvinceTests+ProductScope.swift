import Foundation
import RasterIO
import Testing
import TestSupport

/// `model_scope: product` on the same province: each product with at least 8 of the samples read
/// from it gets its own MLR, the rest the region's.
extension RunProvinceTests {
    static let fewestSamples = 8

    /// The scoped run's folder and report.json, run once per test process (about 8 s).
    static let scopedRun: Result<(folder: String, report: Data), any Error> = Result {
        let runs = try Self.runs.get()
        let folder = "\(runs.province)/run-scoped"
        try configuration(regionConfiguration + "\nmodel_scope: product\nmin_product_samples: \(fewestSamples)", out: folder)
            .write(toFile: "\(runs.province)/scoped.yml", atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", "\(runs.province)/scoped.yml", "--quiet"])
        guard result.status == 0 else { throw TestSupportError("run scoped.yml failed: \(result.stderr)") }
        return (folder, try Data(contentsOf: URL(fileURLWithPath: "\(folder)/report.json")))
    }

    /// Measured: equal to 0 at every pixel (the same model code on the same reflectances).
    @Test("model_scope product: every pixel is mapped by its product's own model, the region's where the product has none")
    func productScopeMapsEachPixelByItsProductsModel() throws {
        let (folder, data) = try Self.scopedRun.get()
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let region = try #require(report["region"] as? [String: Any])
        let products = try #require(region["products"] as? [[String: Any]])
        // Own models for exactly the products with enough samples, each in a folder named after it.
        var own: [Int: String] = [:]
        for product in products {
            let samples = product["samples"] as? Int ?? 0, name = product["name"] as! String, model = product["model"] as? String ?? ""
            let folderExists = FileManager.default.fileExists(atPath: "\(folder)/model.products/\(name)/model.json")
            if samples >= Self.fewestSamples {
                #expect(model == "own (\(samples) samples)" && folderExists, "\(name): \(model)")
                own[product["source"] as! Int] = name
            } else {
                #expect(model.contains("the region's model") && !folderExists, "\(name): \(model)")
            }
        }
        #expect(own.count >= 3 && own.count < products.count, "the province's products with their own model: \(own)")
        let scope = try #require(region["modelScope"] as? [String: Any])
        #expect(scope["productsWithOwnModel"] as? Int == own.count && scope["minimumSamples"] as? Int == Self.fewestSamples)
        #expect((scope["productScopeRMSE"] as? Double ?? .nan) > 0 && (scope["regionRMSE"] as? Double ?? .nan) > 0)
        #expect(((report["interval"] as? [String: Any])?["method"] as? String)?.hasSuffix("per product") == true)

        // Each model mapped over the whole mosaic by `invert`, chosen pixel by pixel by the source band.
        func invert(_ model: String, _ out: String) throws -> [Float] {
            let result = try ChildProcess.regolith(["invert", model, "\(folder)/mosaic.tif", "--out", out, "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
            let raster = try Raster.open(out)
            return try raster.read(raster.fullWindow, bands: [1], as: Float.self)
        }
        let scratch = try TemporaryDirectory("regolith-product-scope")
        let regional = try invert("\(folder)/model", scratch.file("region.tif"))
        let source = try Raster.open("\(folder)/mosaic.source.tif")
        let sources = try source.read(source.fullWindow, bands: [1], as: UInt16.self)
        var expected = regional
        for (value, name) in own {
            let mine = try invert("\(folder)/model.products/\(name)", scratch.file("\(value).tif"))
            for i in expected.indices where Int(sources[i]) == value && mine[i] != -9999 { expected[i] = mine[i] }
        }
        let content = try Raster.open("\(folder)/content.tif")
        let actual = try content.read(content.fullWindow, bands: [1], as: Float.self)
        let differing = zip(actual, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(actual.count) pixels differ from their product's model's map")
        // Own models do change the map where they apply.
        #expect(zip(actual, regional).contains { $0 != $1 })
        // Model outputs are written without a TIFF predictor, the kriged map with the floating-point one.
        for map in ["content.tif", "content-interval.tif"] {
            #expect(try Raster.open("\(folder)/\(map)").metadataItem("PREDICTOR", domain: "IMAGE_STRUCTURE") == nil, "\(map)")
        }
        #expect(try Raster.open("\(folder)/geochem.tif").metadataItem("PREDICTOR", domain: "IMAGE_STRUCTURE") == "3")
        let html = try String(contentsOfFile: "\(folder)/report.html", encoding: .utf8)
        #expect(html.contains("Model scope: product. \(own.count) of \(products.count) products have their own MLR model"))
    }
}
