import Foundation
import RasterIO
import SyntheticWorld

/// A GF-2 L1A product as CRESDA ships it, made from the fixture world's scene: the MSS image
/// without georeferencing, an `.rpb` beside it (an affine RPC00B fitted to the fixture's grid in
/// longitude/latitude), the fixture's XML, and a PAN image of the same product (4× the size, the
/// mean of the MSS bands) with its own `.rpb` and `.xml`. Unpacked in `folder`; `pack` makes the
/// tarball with the system `tar`.
public struct L1AProduct: Sendable {
    /// The product's name, as in the fixture: `GF2_PMS1_…_L1A0005218441`.
    public let name: String
    public let folder: String

    /// The product `name` in `folder`, as `build` writes it.
    public init(name: String, folder: String) {
        self.name = name
        self.folder = folder
    }

    public var mss: String { file("MSS1.tiff") }
    public var mssRPC: String { file("MSS1.rpb") }
    public var mssXML: String { file("MSS1.xml") }
    public var pan: String { file("PAN1.tiff") }
    public var panRPC: String { file("PAN1.rpb") }
    public var panXML: String { file("PAN1.xml") }
    /// The member names, as `pack` stores them.
    public var members: [String] { [mss, mssRPC, mssXML, pan, panRPC, panXML].map { ($0 as NSString).lastPathComponent } }

    private func file(_ suffix: String) -> String { (folder as NSString).appendingPathComponent("\(name)-\(suffix)") }

    /// PAN pixels per MSS pixel along each axis (GF-2: 1 m against 4 m).
    public static let panFactor = 4

    /// The unpacked product in `folder` (created when missing): a copy of one built once per test
    /// process (building takes seconds in a debug build, copying milliseconds).
    public static func build(in folder: String) throws -> L1AProduct {
        let template = try template.get()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for member in template.members {
            try FileManager.default.copyItem(atPath: VirtualFile.path(member, in: template.folder), toPath: VirtualFile.path(member, in: folder))
        }
        return L1AProduct(name: template.name, folder: folder)
    }

    private static let templateFolder = (NSTemporaryDirectory() as NSString).appendingPathComponent("regolith-l1a-template-\(getpid())")
    private static let template: Result<L1AProduct, any Error> = {
        atexit { try? FileManager.default.removeItem(atPath: L1AProduct.templateFolder) }
        return Result { try write(in: templateFolder) }
    }()

    /// Writes the product from the fixture into `folder`.
    private static func write(in folder: String) throws -> L1AProduct {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let world = Fixtures.path("world")
        guard let fixtureName = try FileManager.default.contentsOfDirectory(atPath: world).first(where: { $0.hasSuffix("-MSS1.tiff") }) else {
            throw TestSupportError("\(world): no …-MSS1.tiff fixture")
        }
        let product = L1AProduct(name: String(fixtureName.dropLast("-MSS1.tiff".count)), folder: folder)
        let source = try Raster.open((world as NSString).appendingPathComponent(fixtureName))
        guard let grid = source.geoTransform, let crs = source.spatialReference else {
            throw TestSupportError("\(source.path): the fixture scene has no georeferencing")
        }
        let window = source.fullWindow
        let dn = try source.read(window, as: UInt16.self)
        try writeSensorImage(product.mss, width: source.width, height: source.height, bands: source.bandCount, values: dn,
                             nodata: source.bands[0].nodata)
        let rpc = try AffineRPC(fittedTo: grid, crs: crs, width: source.width, height: source.height)
        try rpc.rpbText(bandID: "MS").write(toFile: product.mssRPC, atomically: true, encoding: .utf8)
        let xml = try String(contentsOfFile: (world as NSString).appendingPathComponent(fixtureName.replacingOccurrences(of: ".tiff", with: ".xml")),
                             encoding: .utf8)
        try xml.write(toFile: product.mssXML, atomically: true, encoding: .utf8)

        let factor = panFactor
        let (panWidth, panHeight) = (source.width * factor, source.height * factor)
        var panValues: [UInt16] = []
        panValues.reserveCapacity(panWidth * panHeight)
        let bandPixels = window.pixelCount
        for row in 0..<source.height {
            var panRow: [UInt16] = []
            panRow.reserveCapacity(panWidth)
            for column in 0..<source.width {
                let pixel = row * source.width + column
                let sum = (0..<source.bandCount).reduce(0) { $0 + Int(dn[$1 * bandPixels + pixel]) }
                panRow += repeatElement(UInt16(sum / source.bandCount), count: factor)
            }
            for _ in 0..<factor { panValues += panRow }
        }
        try writeSensorImage(product.pan, width: panWidth, height: panHeight, bands: 1, values: panValues, nodata: source.bands[0].nodata)
        try rpc.scaled(by: Double(factor)).rpbText(bandID: "P").write(toFile: product.panRPC, atomically: true, encoding: .utf8)
        let panXML = xml.replacingOccurrences(of: "<WidthInPixels>\(source.width)<", with: "<WidthInPixels>\(panWidth)<")
            .replacingOccurrences(of: "<HeightInPixels>\(source.height)<", with: "<HeightInPixels>\(panHeight)<")
            .replacingOccurrences(of: "<ImageGSD>4.0<", with: "<ImageGSD>1.0<")
        try panXML.write(toFile: product.panXML, atomically: true, encoding: .utf8)
        return product
    }

    /// Packs `members` (names in `folder`; all of the product's by default) into a tarball at `path`
    /// (gzip-compressed when it ends in .gz or .tgz) with the system `tar`.
    @discardableResult
    public func pack(to path: String, members: [String]? = nil) throws -> String {
        let compress = path.hasSuffix(".gz") || path.hasSuffix(".tgz")
        let result = try ChildProcess.run("/bin/tar", [compress ? "-czf" : "-cf", path, "-C", folder] + (members ?? self.members))
        guard result.status == 0 else { throw TestSupportError("tar failed: \(result.stderr)") }
        return path
    }

    /// A UInt16 image in sensor geometry: no geotransform, no CRS.
    private static func writeSensorImage(_ path: String, width: Int, height: Int, bands: Int, values: [UInt16], nodata: Double?) throws {
        let spec = RasterSpec(width: width, height: height, bandCount: bands, pixelType: .uint16, nodata: nodata)
        let output = try GeoTIFFOutput(creating: path, spec: spec)
        try output.raster.write(Window(width: width, height: height), from: values)
        try output.commit()
    }
}

/// An RPC00B model that is affine in longitude and latitude (no height term, denominators 1),
/// fitted by least squares to a georeferenced grid: enough for GDAL's RPC transformer to map the
/// image back onto the fixture's ground within a small fraction of a pixel.
public struct AffineRPC {
    public var lineOffset: Double, sampleOffset: Double, lineScale: Double, sampleScale: Double
    public var latitudeOffset: Double, longitudeOffset: Double, latitudeScale: Double, longitudeScale: Double
    public var heightOffset = 200.0, heightScale = 500.0
    /// Normalised line and sample as c0 + c1·L + c2·P (L longitude, P latitude, both normalised).
    public var line: [Double], sample: [Double]

    /// GDAL's RPC lines and samples count from the centre of the first pixel; its pixel coordinates
    /// from that pixel's corner. A 5 × 5 grid of pixel centres is mapped to longitude/latitude.
    public init(fittedTo grid: GeoTransform, crs: SpatialReference, width: Int, height: Int) throws {
        let toGeographic = try CoordinateTransformer(from: crs, to: .wgs84)
        var points: [(sample: Double, line: Double, longitude: Double, latitude: Double)] = []
        for i in 0...4 {
            for j in 0...4 {
                let sample = Double(width - 1) * Double(i) / 4, line = Double(height - 1) * Double(j) / 4
                let map = grid.map(column: sample + 0.5, row: line + 0.5)
                let geographic = try toGeographic.transform(x: map.x, y: map.y)
                points.append((sample, line, geographic.x, geographic.y))
            }
        }
        let (sampleOffset, lineOffset) = (Double(width - 1) / 2, Double(height - 1) / 2)
        let (sampleScale, lineScale) = (Double(width) / 2, Double(height) / 2)
        let longitudeOffset = points.map(\.longitude).reduce(0, +) / Double(points.count)
        let latitudeOffset = points.map(\.latitude).reduce(0, +) / Double(points.count)
        let longitudeScale = points.map { abs($0.longitude - longitudeOffset) }.max()!
        let latitudeScale = points.map { abs($0.latitude - latitudeOffset) }.max()!
        let terms = points.map { [1, ($0.longitude - longitudeOffset) / longitudeScale, ($0.latitude - latitudeOffset) / latitudeScale] }
        line = try Self.leastSquares(terms, points.map { ($0.line - lineOffset) / lineScale })
        sample = try Self.leastSquares(terms, points.map { ($0.sample - sampleOffset) / sampleScale })
        (self.sampleOffset, self.lineOffset, self.sampleScale, self.lineScale) = (sampleOffset, lineOffset, sampleScale, lineScale)
        (self.longitudeOffset, self.latitudeOffset) = (longitudeOffset, latitudeOffset)
        (self.longitudeScale, self.latitudeScale) = (longitudeScale, latitudeScale)
    }

    /// The same ground seen with `factor` times as many pixels along each axis (the PAN image).
    public func scaled(by factor: Double) -> AffineRPC {
        var scaled = self
        // A pixel centre at s in the coarse image lies at factor·(s + ½) − ½ in the fine one.
        scaled.sampleOffset = factor * (sampleOffset + 0.5) - 0.5
        scaled.lineOffset = factor * (lineOffset + 0.5) - 0.5
        scaled.sampleScale = factor * sampleScale
        scaled.lineScale = factor * lineScale
        return scaled
    }

    /// The `.rpb` text GDAL reads beside an image (DigitalGlobe's format, which CRESDA uses).
    public func rpbText(bandID: String) -> String {
        RPC00B(lineOffset: lineOffset, sampleOffset: sampleOffset, latitudeOffset: latitudeOffset, longitudeOffset: longitudeOffset,
               heightOffset: heightOffset, lineScale: lineScale, sampleScale: sampleScale, latitudeScale: latitudeScale,
               longitudeScale: longitudeScale, heightScale: heightScale, lineNumerator: line, sampleNumerator: sample)
            .rpbText(satellite: "GF2", band: bandID)
    }

    /// Solves the normal equations of a small least-squares fit (Gaussian elimination, pivoting).
    static func leastSquares(_ rows: [[Double]], _ targets: [Double]) throws -> [Double] {
        let n = rows[0].count
        var a = (0..<n).map { i in (0..<n).map { j in zip(rows, rows).reduce(0) { $0 + $1.0[i] * $1.1[j] } } + [zip(rows, targets).reduce(0) { $0 + $1.0[i] * $1.1 }] }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) }!
            guard abs(a[pivot][column]) > 1e-12 else { throw TestSupportError("the RPC fit is singular") }
            a.swapAt(column, pivot)
            for row in 0..<n where row != column {
                let factor = a[row][column] / a[column][column]
                for k in column...n { a[row][k] -= factor * a[column][k] }
            }
        }
        return (0..<n).map { a[$0][n] / a[$0][$0] }
    }
}
