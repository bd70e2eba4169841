import Foundation
import RasterIO

/// High-anomaly areas of a content map: pixels at or above a threshold, outside vegetation and
/// water masks, grouped into 8-connected components over the whole scene (a two-pass raster scan
/// with a union–find, streamed in strips, so components run across tile borders on scenes larger
/// than memory), filtered by minimum area and ranked. Holes below a size are filled by GDAL's
/// sieve first, so an area is a region, not a pixel pattern.
public struct AnomalyDelineation: Sendable {
    public struct Masks: Sendable {
        /// A scene's reflectance (or DN) bands for NDVI and NDWI: (green, red, NIR) band numbers.
        public var scene: String?
        public var greenBand = 2, redBand = 3, nirBand = 4
        /// Pixels with NDVI above this are vegetation, left out.
        public var vegetationNDVI: Double?
        /// Pixels with NDWI (McFeeters) above this are water, left out.
        public var waterNDWI: Double?
        public init(scene: String? = nil, vegetationNDVI: Double? = nil, waterNDWI: Double? = nil) {
            self.scene = scene
            self.vegetationNDVI = vegetationNDVI
            self.waterNDWI = waterNDWI
        }
        /// `scene`'s stored values → reflectance, per scene band (a DN scene's calibration); nil: as stored.
        public var affine: BandAffine?
        public var isActive: Bool { vegetationNDVI != nil || waterNDWI != nil }
        var bands: [Int] { [greenBand, redBand, nirBand] }

        /// True when a pixel with these stored values is vegetation or water by the set limits.
        @inline(__always)
        func excludes(green g: Float, red r: Float, nir n: Float) -> Bool {
            guard let affine else { return excludes(reflectance: g, r, n) }
            return excludes(reflectance: affine.apply(band: greenBand - 1, g), affine.apply(band: redBand - 1, r), affine.apply(band: nirBand - 1, n))
        }

        @inline(__always)
        private func excludes(reflectance g: Float, _ r: Float, _ n: Float) -> Bool {
            if let vegetationNDVI, n + r != 0, Double((n - r) / (n + r)) > vegetationNDVI { return true }
            if let waterNDWI, g + n != 0, Double((g - n) / (g + n)) > waterNDWI { return true }
            return false
        }

        /// A short description for reports, e.g. "NDVI ≤ 0.45".
        public var summary: String {
            [vegetationNDVI.map { "NDVI ≤ \($0)" }, waterNDWI.map { "NDWI ≤ \($0)" }].compactMap { $0 }.joined(separator: ", ")
        }
    }

    public struct Area: Sendable, Equatable, Codable {
        /// 1 = the most prominent area.
        public let rank: Int
        public let pixels: Int
        public let areaSquareMetres: Double
        public let meanContent: Double
        public let maxContent: Double
        /// Σ (content − threshold) × pixel area: size and strength together, the ranking key.
        public let excess: Double
        /// Pixel bounding box (column, row, width, height).
        public let bounds: [Int]
        /// The centroid of the area's polygon in the map's CRS, and in WGS 84 longitude/latitude
        /// (set when the polygons are written).
        public internal(set) var centroidX: Double?
        public internal(set) var centroidY: Double?
        public internal(set) var longitude: Double?
        public internal(set) var latitude: Double?
        /// Whether the centroid lies within the samples' support (`SampleSupport`); nil when no
        /// samples were given.
        public internal(set) var withinSupport: Bool?
        /// The probability that the content exceeds the threshold, at the area's mean predicted
        /// content (`ConformalInterval.exceedanceProbability`); nil without an interval.
        public var exceedanceProbability: Double?
    }

    public var threshold: Double
    public var minimumArea: Double
    /// Holes (and 4-connected specks) smaller than this, in m², are absorbed into their
    /// surroundings by GDAL's sieve before the areas are labelled.
    public var minimumHoleArea: Double
    public var masks: Masks
    /// Rows read at a time (default: whole blocks, about 8 Mpixel); tests set it small to cross strips.
    var stripHeight: Int?

    public init(threshold: Double, minimumArea: Double = 0, minimumHoleArea: Double = 0, masks: Masks = Masks()) {
        self.threshold = threshold
        self.minimumArea = minimumArea
        self.minimumHoleArea = minimumHoleArea
        self.masks = masks
    }

    /// Which pixels are anomalous: those of the decision map (the map itself or its smoothing) at
    /// or above the threshold, outside the masks, where the map has a value; or, after the sieve,
    /// the 1s of the sieved raster.
    private enum Decision {
        case threshold(decisionMap: Raster?, maskScene: Raster?)
        case sieved(Raster)
    }

    /// Delineates the areas of `map` (band 1); writes the label raster (UInt32, 0 outside areas,
    /// else the rank) to `labels` when given. `decisionMap` (same grid; e.g. the map smoothed)
    /// decides which pixels reach the threshold; the statistics are the map's own values.
    public func run(map path: String, decisionMap decisionPath: String? = nil, labels labelPath: String? = nil) throws -> [Area] {
        let map = try Raster.open(path)
        let maskScene = try masks.isActive ? masks.scene.map { try Raster.open($0) } : nil
        if masks.isActive && maskScene == nil {
            throw InversionError("\(path): vegetation or water masks need the scene's bands (--scene)")
        }
        if let maskScene { try SameGrid.check(map, maskScene) }
        let decisionMap = try decisionPath.map { try Raster.open($0) }
        if let decisionMap { try SameGrid.check(map, decisionMap) }
        let pixelArea = map.geoTransform.map { abs($0.pixelWidth * $0.pixelHeight) } ?? 1
        var decision = Decision.threshold(decisionMap: decisionMap, maskScene: maskScene)
        // GDAL's sieve works on a raster: the anomalous pixels as 0/1, sieved in place. Holes are
        // the background's 4-connected regions (the dual of 8-connected areas).
        let holePixels = Int((minimumHoleArea / pixelArea).rounded(.up))
        let sievedPath = FileManager.default.temporaryDirectory.appendingPathComponent("regolith-sieve-\(UUID().uuidString).tif").path
        defer { try? FileManager.default.removeItem(atPath: sievedPath) }
        if holePixels > 1 {
            let spec = RasterSpec(like: map, bandCount: 1, pixelType: .byte, nodata: nil, bandDescriptions: ["anomalous (1) before the sieve"])
            let output = try GeoTIFFOutput(creating: sievedPath, spec: spec)
            var rowBuffer = [UInt8](repeating: 0, count: map.width)
            var mask = ComponentScan(width: map.width)
            var currentRow = -1
            try scan(map, decision, &mask, everyRow: { row in
                if currentRow >= 0 { try output.raster.write(Window(x: 0, y: currentRow, width: map.width, height: 1), from: rowBuffer) }
                currentRow = row
                for i in rowBuffer.indices { rowBuffer[i] = 0 }
            }) { x, _, _, _ in rowBuffer[x] = 1 }
            if currentRow >= 0 { try output.raster.write(Window(x: 0, y: currentRow, width: map.width, height: 1), from: rowBuffer) }
            try output.commit()
            try Polygonizer.sieve(sievedPath, minimumPixels: holePixels, connectedness: 4)
            decision = .sieved(try Raster.open(sievedPath))
        }
        // Pass 1: provisional labels, their unions and statistics (over the pixels with a value).
        var pass = ComponentScan(width: map.width)
        var count: [Int] = [0], valid: [Int] = [0], sum: [Double] = [0], maximum: [Double] = [-.infinity], box: [SIMD4<Int>] = [.zero]
        try scan(map, decision, &pass) { x, y, label, value in
            if label == count.count {
                count.append(0); valid.append(0); sum.append(0); maximum.append(-.infinity); box.append(SIMD4(x, y, x, y))
            }
            count[label] += 1
            if let value {
                valid[label] += 1
                sum[label] += value
                maximum[label] = max(maximum[label], value)
            }
            box[label] = SIMD4(min(box[label].x, x), min(box[label].y, y), max(box[label].z, x), max(box[label].w, y))
        }
        // Merge statistics into each component's root.
        var roots: [Int: (count: Int, valid: Int, sum: Double, excess: Double, max: Double, box: SIMD4<Int>)] = [:]
        for label in 1..<max(1, count.count) {
            let root = pass.find(label)
            let b = box[label]
            let excess = sum[label] - threshold * Double(valid[label])
            if let r = roots[root] {
                roots[root] = (r.count + count[label], r.valid + valid[label], r.sum + sum[label], r.excess + excess, max(r.max, maximum[label]),
                               SIMD4(min(r.box.x, b.x), min(r.box.y, b.y), max(r.box.z, b.z), max(r.box.w, b.w)))
            } else {
                roots[root] = (count[label], valid[label], sum[label], excess, maximum[label], b)
            }
        }
        let kept = roots.filter { Double($0.value.count) * pixelArea >= minimumArea && $0.value.valid > 0 }
            .sorted { ($0.value.excess, -$0.key) > ($1.value.excess, -$1.key) }
        var rankOfRoot: [Int: Int] = [:]
        var areas: [Area] = []
        for (rank, entry) in kept.enumerated() {
            rankOfRoot[entry.key] = rank + 1
            let s = entry.value
            areas.append(Area(rank: rank + 1, pixels: s.count, areaSquareMetres: Double(s.count) * pixelArea,
                              meanContent: s.sum / Double(s.valid), maxContent: s.max, excess: s.excess * pixelArea,
                              bounds: [s.box.x, s.box.y, s.box.z - s.box.x + 1, s.box.w - s.box.y + 1]))
        }
        guard let labelPath else { return areas }
        // Pass 2: the same deterministic scan again, writing each pixel's final rank.
        let spec = RasterSpec(like: map, bandCount: 1, pixelType: .uint32, nodata: 0, bandDescriptions: ["anomaly area rank (0: none, the nodata value)"])
        let output = try GeoTIFFOutput(creating: labelPath, spec: spec)
        var second = ComponentScan(width: map.width)
        var rowBuffer = [UInt32](repeating: 0, count: map.width)
        var currentRow = -1
        let flush = { (row: Int) throws in
            try output.raster.write(Window(x: 0, y: row, width: map.width, height: 1), from: rowBuffer)
        }
        var finalOf: [Int: UInt32] = [:]
        try scan(map, decision, &second, everyRow: { row in
            if currentRow >= 0 { try flush(currentRow) }
            currentRow = row
            for i in rowBuffer.indices { rowBuffer[i] = 0 }
        }) { x, _, label, _ in
            if let known = finalOf[label] {
                rowBuffer[x] = known
            } else {
                let rank = UInt32(rankOfRoot[pass.find(label)] ?? 0)
                finalOf[label] = rank
                rowBuffer[x] = rank
            }
        }
        if currentRow >= 0 { try flush(currentRow) }
        try output.commit()
        return areas
    }

    /// Runs the labelling scan over the map, calling `visit(x, y, provisionalLabel, value)` for every
    /// anomalous pixel in raster order (value nil where the map has none: a filled hole), and
    /// `everyRow(y)` before each row.
    private func scan(_ map: Raster, _ decision: Decision, _ components: inout ComponentScan,
                      everyRow: ((Int) throws -> Void)? = nil,
                      visit: (Int, Int, Int, Double?) throws -> Void) throws {
        let nodata = map.bands[0].nodata.map(Float.init)
        var decisionNodata: Float?
        if case let .threshold(decisionMap?, _) = decision { decisionNodata = decisionMap.bands[0].nodata.map(Float.init) }
        let width = map.width
        let maskBands = masks.bands
        let strips = RowStrips(map, bands: [1], stripHeight: stripHeight)
        var maskValues: [Float] = [], decisionValues: [Float] = []
        let threshold = Float(self.threshold)
        var on = [Bool](repeating: false, count: width)
        try strips.forEach { firstRow, rows, values in
            let window = Window(x: 0, y: firstRow, width: width, height: rows)
            let plane = width * rows
            switch decision {
            case let .threshold(decisionMap, maskScene):
                if let maskScene { maskValues = try maskScene.read(window, bands: maskBands, as: Float.self) }
                if let decisionMap { decisionValues = try decisionMap.read(window, bands: [1], as: Float.self) }
            case let .sieved(sieved):
                decisionValues = try sieved.read(window, bands: [1], as: Float.self)
            }
            for r in 0..<rows {
                try everyRow?(firstRow + r)
                for x in 0..<width {
                    let i = r * width + x
                    let v = values[i]
                    switch decision {
                    case let .threshold(decisionMap, maskScene):
                        let level = decisionMap == nil ? v : decisionValues[i]
                        var anomalous = !v.isNaN && v != nodata && !level.isNaN && level != decisionNodata && level >= threshold
                        if anomalous, maskScene != nil {
                            anomalous = !masks.excludes(green: maskValues[i], red: maskValues[plane + i], nir: maskValues[2 * plane + i])
                        }
                        on[x] = anomalous
                    case .sieved:
                        on[x] = decisionValues[i] != 0
                    }
                }
                try components.labelRow(on) { x, label in
                    let v = values[r * width + x]
                    try visit(x, firstRow + r, label, v.isNaN || v == nodata ? nil : Double(v))
                }
            }
        }
    }
}

/// One row at a time of 8-connected component labelling: provisional labels from the row above,
/// equivalences in a union–find. Deterministic: the same rows give the same labels.
struct ComponentScan {
    private var previous: [Int]
    private var current: [Int]
    private var parent: [Int] = [0]

    init(width: Int) {
        previous = [Int](repeating: 0, count: width + 2)
        current = previous
    }

    mutating func find(_ label: Int) -> Int {
        var root = label
        while parent[root] != root { root = parent[root] }
        var node = label
        while parent[node] != root { (node, parent[node]) = (parent[node], root) }
        return root
    }

    private mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }

    /// Labels the pixels of a row that are `on`; calls `visit(x, label)` for each.
    mutating func labelRow(_ on: [Bool], visit: (Int, Int) throws -> Void) rethrows {
        // Labels are stored at x + 1 so that x − 1 and x + 1 never leave the array.
        for x in 0..<on.count {
            guard on[x] else { current[x + 1] = 0; continue }
            // The already-labelled neighbours: west, north-west, north, north-east.
            var label = 0
            let neighbours = SIMD4(current[x], previous[x], previous[x + 1], previous[x + 2])
            for k in 0..<4 where neighbours[k] != 0 {
                if label == 0 { label = neighbours[k] } else if neighbours[k] != label { union(label, neighbours[k]) }
            }
            if label == 0 {
                label = parent.count
                parent.append(label)
            }
            current[x + 1] = label
            try visit(x, label)
        }
        swap(&previous, &current)
    }
}
