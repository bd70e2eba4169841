import Foundation
import RasterIO

/// High-anomaly areas of a content map: pixels at or above a threshold, outside vegetation and
/// water masks, grouped into 8-connected components over the whole scene (a two-pass raster scan
/// with a union–find, streamed in strips, so components run across tile borders on scenes larger
/// than memory), filtered by minimum area and ranked.
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
        public var isActive: Bool { vegetationNDVI != nil || waterNDWI != nil }
        var bands: [Int] { [greenBand, redBand, nirBand] }

        /// True when a pixel with these reflectances is vegetation or water by the set limits.
        @inline(__always)
        func excludes(green g: Float, red r: Float, nir n: Float) -> Bool {
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
    }

    public var threshold: Double
    public var minimumArea: Double
    public var masks: Masks
    /// Rows read at a time (default: whole blocks, about 8 Mpixel); tests set it small to cross strips.
    var stripHeight: Int?

    public init(threshold: Double, minimumArea: Double = 0, masks: Masks = Masks()) {
        self.threshold = threshold
        self.minimumArea = minimumArea
        self.masks = masks
    }

    /// Delineates the areas of `map` (band 1); writes the label raster (UInt32, 0 outside areas,
    /// else the rank) to `labels` when given.
    public func run(map path: String, labels labelPath: String? = nil) throws -> [Area] {
        let map = try Raster.open(path)
        let maskScene = try masks.isActive ? masks.scene.map { try Raster.open($0) } : nil
        if masks.isActive && maskScene == nil {
            throw InversionError("\(path): vegetation or water masks need the scene's bands (--scene)")
        }
        if let maskScene { try SameGrid.check(map, maskScene) }
        let pixelArea = map.geoTransform.map { abs($0.pixelWidth * $0.pixelHeight) } ?? 1
        // Pass 1: provisional labels, their unions and statistics.
        var pass = ComponentScan(width: map.width)
        var count: [Int] = [0], sum: [Double] = [0], maximum: [Double] = [-.infinity], box: [SIMD4<Int>] = [.zero]
        try scan(map, maskScene, &pass) { x, y, label, value in
            if label == count.count {
                count.append(0); sum.append(0); maximum.append(-.infinity); box.append(SIMD4(x, y, x, y))
            }
            count[label] += 1
            sum[label] += value
            maximum[label] = max(maximum[label], value)
            box[label] = SIMD4(min(box[label].x, x), min(box[label].y, y), max(box[label].z, x), max(box[label].w, y))
        }
        // Merge statistics into each component's root.
        var roots: [Int: (count: Int, sum: Double, excess: Double, max: Double, box: SIMD4<Int>)] = [:]
        var excess = [Double](repeating: 0, count: count.count)
        for label in 1..<max(1, count.count) { excess[label] = sum[label] - threshold * Double(count[label]) }
        for label in 1..<max(1, count.count) {
            let root = pass.find(label)
            let b = box[label]
            if let r = roots[root] {
                roots[root] = (r.count + count[label], r.sum + sum[label], r.excess + excess[label], max(r.max, maximum[label]),
                               SIMD4(min(r.box.x, b.x), min(r.box.y, b.y), max(r.box.z, b.z), max(r.box.w, b.w)))
            } else {
                roots[root] = (count[label], sum[label], excess[label], maximum[label], b)
            }
        }
        let kept = roots.filter { Double($0.value.count) * pixelArea >= minimumArea }
            .sorted { ($0.value.excess, -$0.key) > ($1.value.excess, -$1.key) }
        var rankOfRoot: [Int: Int] = [:]
        var areas: [Area] = []
        for (rank, entry) in kept.enumerated() {
            rankOfRoot[entry.key] = rank + 1
            let s = entry.value
            areas.append(Area(rank: rank + 1, pixels: s.count, areaSquareMetres: Double(s.count) * pixelArea,
                              meanContent: s.sum / Double(s.count), maxContent: s.max, excess: s.excess * pixelArea,
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
        try scan(map, maskScene, &second, everyRow: { row in
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
    /// anomalous pixel in raster order (and `everyRow(y)` before each row).
    private func scan(_ map: Raster, _ maskScene: Raster?, _ components: inout ComponentScan,
                      everyRow: ((Int) throws -> Void)? = nil,
                      visit: (Int, Int, Int, Double) throws -> Void) throws {
        let nodata = map.bands[0].nodata.map(Float.init)
        let width = map.width
        let maskBands = masks.bands
        let strips = RowStrips(map, bands: [1], stripHeight: stripHeight)
        var maskValues: [Float] = []
        let threshold = Float(self.threshold)
        var on = [Bool](repeating: false, count: width)
        try strips.forEach { firstRow, rows, values in
            if let maskScene {
                maskValues = try maskScene.read(Window(x: 0, y: firstRow, width: width, height: rows), bands: maskBands, as: Float.self)
            }
            let plane = width * rows
            for r in 0..<rows {
                try everyRow?(firstRow + r)
                for x in 0..<width {
                    let v = values[r * width + x]
                    var anomalous = !v.isNaN && v != nodata && v >= threshold
                    if anomalous, maskScene != nil {
                        let i = r * width + x
                        anomalous = !masks.excludes(green: maskValues[i], red: maskValues[plane + i], nir: maskValues[2 * plane + i])
                    }
                    on[x] = anomalous
                }
                try components.labelRow(on) { x, label in try visit(x, firstRow + r, label, Double(values[r * width + x])) }
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
