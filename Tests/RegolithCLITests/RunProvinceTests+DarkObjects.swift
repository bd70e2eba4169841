import Foundation
import RasterIO
import Testing
import TestSupport

/// `dos: true` on the province: each product's own haze (DOS1 from its view's darkest DNs),
/// subtracted from its pixels of the mosaic and nowhere else.
extension RunProvinceTests {
    /// The dark DNs must equal the exact percentile of each view within one of the histogram's 4096
    /// bins (about 0.25 DN here); each haze is its dark DN's reflectance less 1 % to 7.3e-9 (measured;
    /// tolerance 1e-7); the mosaics differ by the pixel's product's haze to 2.0e-8 (tolerance 2e-7).
    @Test("dos: true subtracts each product's own haze, from its own view's darkest DNs, from its pixels")
    func eachProductsHazeComesFromItsOwnView() throws {
        let runs = try Self.runs.get()
        let folder = "\(runs.province)/run-dos"
        try Self.configuration(Self.regionConfiguration + "\ndos: true", out: folder).write(toFile: "\(runs.province)/dos.yml", atomically: true, encoding: .utf8)
        let result = try ChildProcess.regolith(["run", "\(runs.province)/dos.yml", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/report.json"))) as? [String: Any])
        let products = try #require((report["region"] as? [String: Any])?["products"] as? [[String: Any]])
        let plain = try Raster.open("\(runs.regionFolder)/mosaic.tif"), dos = try Raster.open("\(folder)/mosaic.tif")
        let source = try Raster.open("\(folder)/mosaic.source.tif"), plainSource = try Raster.open("\(runs.regionFolder)/mosaic.source.tif")
        let sources = try source.read(source.fullWindow, bands: [1], as: UInt16.self)
        // The cloud screen judges each pixel's reflectance after the haze is taken off: compare the pixels both took from one product.
        let plainSources = try plainSource.read(plainSource.fullWindow, bands: [1], as: UInt16.self)
        let grid = try #require(plain.geoTransform)
        var hazeBySource: [Int: [Double]] = [:]
        for (k, product) in products.enumerated() {
            let darkDN = try #require(product["darkDN"] as? [Double]), haze = try #require(product["haze"] as? [Double])
            hazeBySource[product["source"] as! Int] = haze
            #expect(haze.allSatisfy { $0 >= 0 } && haze.count == 4)
            // The 0.01 % darkest DN of the product's view (0 is its nodata), exactly, against the
            // histogram's: within one of its 4096 bins over the band's range.
            let view = try Raster.open("\(folder)/mosaic.products/\(k).tif")
            let viewGrid = try #require(view.geoTransform)
            let dx = Int(((viewGrid.originX - grid.originX) / grid.pixelWidth).rounded()), dy = Int(((viewGrid.originY - grid.originY) / grid.pixelHeight).rounded())
            for band in 1...4 {
                let dns = try view.read(view.fullWindow, bands: [band], as: UInt16.self)
                let values = dns.filter { $0 != 0 }.map(Double.init).sorted()
                let rank = max(0, Int((Double(values.count) * 0.01 / 100).rounded(.up)) - 1)
                let bin = (values.last! - values.first!) / 4096
                #expect(abs(darkDN[band - 1] - values[rank]) <= bin + 1e-9, "product \(k + 1) band \(band): \(darkDN[band - 1]) against \(values[rank])")
                // The haze is the dark DN's reflectance less 1 %, with DN → reflectance the product's own
                // affine read off the mosaic without dos: its darkest and brightest view pixels that it supplied.
                let reflectance = try plain.read(plain.fullWindow, bands: [band], as: Float.self)
                var supplied: [(dn: Double, reflectance: Double)] = []
                for row in 0..<view.height {
                    for column in 0..<view.width where dns[row * view.width + column] != 0 {
                        let (x, y) = (column + dx, row + dy)
                        guard x >= 0, y >= 0, x < plain.width, y < plain.height else { continue }
                        let i = y * plain.width + x
                        if Int(plainSources[i]) == k + 1 && reflectance[i] != -9999 { supplied.append((Double(dns[row * view.width + column]), Double(reflectance[i]))) }
                    }
                }
                let low = try #require(supplied.min { $0.dn < $1.dn }), high = try #require(supplied.max { $0.dn < $1.dn })
                let slope = (high.reflectance - low.reflectance) / (high.dn - low.dn)
                let expected = max(0, low.reflectance + slope * (darkDN[band - 1] - low.dn) - 0.01)
                #expect(abs(haze[band - 1] - expected) <= 1e-7, "product \(k + 1) band \(band): haze \(haze[band - 1]) against \(expected)")
            }
        }
        #expect(hazeBySource.values.contains { $0.contains { $0 > 0.005 } }, "no product has any haze: \(hazeBySource)")
        #expect(dos.bands.allSatisfy { $0.description.hasPrefix("DOS reflectance") || $0.description.hasPrefix("source") })
        var worst = 0.0, compared = 0
        for band in 1...4 {
            let a = try plain.read(plain.fullWindow, bands: [band], as: Float.self), b = try dos.read(dos.fullWindow, bands: [band], as: Float.self)
            for i in sources.indices where sources[i] > 0 && sources[i] == plainSources[i] && a[i] != -9999 && b[i] != -9999 {
                worst = max(worst, abs(Double(a[i]) - Double(b[i]) - hazeBySource[Int(sources[i])]![band - 1]))
                compared += 1
            }
        }
        #expect(compared > 100_000 && worst <= 2e-7, "largest difference from the haze \(worst) over \(compared) values")
        #expect(try dos.metadataItem("MOSAIC_DOS_1")?.hasPrefix("DN ") == true)
    }
}
