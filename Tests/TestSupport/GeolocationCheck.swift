import Foundation
import RasterIO

/// How well a raster's geometry agrees with a reference on the same grid: at check points on a
/// regular lattice, the shift that best aligns a small patch of the candidate with the reference's,
/// by normalised cross-correlation over whole-pixel shifts and a parabola through the peak and its
/// neighbours along each axis (sub-pixel).
///
/// A match's shift (dx, dy), in pixels (x east, y down), says that the reference's content at
/// (column, row) appears at (column + dx, row + dy) in the candidate.
public struct GeolocationCheck: Sendable {
    public struct Match: Sendable {
        public var column: Int
        public var row: Int
        public var dx: Double
        public var dy: Double
        public var correlation: Double
    }

    /// Patches of (2r + 1)² pixels; shifts searched up to ±`searchRadius` pixels each way.
    public var patchRadius: Int
    public var searchRadius: Int
    /// Points whose correlation peak is lower than this (featureless patches) are left out.
    public var minimumCorrelation: Double

    public init(patchRadius: Int = 8, searchRadius: Int = 4, minimumCorrelation: Double = 0.5) {
        self.patchRadius = patchRadius
        self.searchRadius = searchRadius
        self.minimumCorrelation = minimumCorrelation
    }

    /// Matches at `grid` × `grid` check points spread over the interior of two same-sized images
    /// (row-major values); points whose patches touch `nodata` or whose peak lies on the edge of the
    /// search are left out.
    public func matches(reference: [Float], candidate: [Float], width: Int, height: Int, nodata: Float? = nil,
                        grid: Int) -> [Match] {
        precondition(reference.count == width * height && candidate.count == width * height)
        let reach = patchRadius + searchRadius + 1
        guard width > 2 * reach, height > 2 * reach, grid >= 2 else { return [] }
        var result: [Match] = []
        for j in 0..<grid {
            for i in 0..<grid {
                let column = reach + (width - 1 - 2 * reach) * i / (grid - 1)
                let row = reach + (height - 1 - 2 * reach) * j / (grid - 1)
                if let match = match(reference: reference, candidate: candidate, width: width, column: column, row: row, nodata: nodata) {
                    result.append(match)
                }
            }
        }
        return result
    }

    /// Matches between band `band` of two rasters on the same grid (their nodata left out).
    public func matches(referencePath: String, candidatePath: String, band: Int = 1, grid: Int) throws -> [Match] {
        let reference = try Raster.open(referencePath), candidate = try Raster.open(candidatePath)
        guard reference.width == candidate.width, reference.height == candidate.height,
              reference.geoTransform == candidate.geoTransform else {
            throw TestSupportError("\(candidatePath) is not on the grid of \(referencePath)")
        }
        let nodata = reference.bands[band - 1].nodata ?? candidate.bands[band - 1].nodata
        return matches(reference: try reference.read(reference.fullWindow, bands: [band], as: Float.self),
                       candidate: try candidate.read(candidate.fullWindow, bands: [band], as: Float.self),
                       width: reference.width, height: reference.height, nodata: nodata.map(Float.init), grid: grid)
    }

    /// Root mean square of the matches' distance from the shifts `expected` predicts (none by default).
    public static func rmse(_ matches: [Match], expected: (Match) -> (dx: Double, dy: Double) = { _ in (0, 0) }) -> Double {
        guard !matches.isEmpty else { return .nan }
        let sum = matches.reduce(0.0) { sum, m in
            let e = expected(m)
            return sum + (m.dx - e.dx) * (m.dx - e.dx) + (m.dy - e.dy) * (m.dy - e.dy)
        }
        return (sum / Double(matches.count)).squareRoot()
    }

    private func match(reference: [Float], candidate: [Float], width: Int, column: Int, row: Int, nodata: Float?) -> Match? {
        let r = patchRadius, s = searchRadius
        var patch: [Double] = []
        for y in (row - r)...(row + r) {
            for x in (column - r)...(column + r) { patch.append(Double(reference[y * width + x])) }
        }
        if let nodata, patch.contains(Double(nodata)) { return nil }
        for y in (row - r - s)...(row + r + s) {
            for x in (column - r - s)...(column + r + s) where candidate[y * width + x] == nodata { return nil }
        }
        let mean = patch.reduce(0, +) / Double(patch.count)
        let centred = patch.map { $0 - mean }
        let norm = centred.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return nil }
        let side = 2 * s + 1
        var scores = [Double](repeating: -2, count: side * side)
        for oy in -s...s {
            for ox in -s...s {
                var values: [Double] = []
                values.reserveCapacity(patch.count)
                for y in (row - r + oy)...(row + r + oy) {
                    for x in (column - r + ox)...(column + r + ox) { values.append(Double(candidate[y * width + x])) }
                }
                let m = values.reduce(0, +) / Double(values.count)
                var dot = 0.0, squares = 0.0
                for k in values.indices {
                    dot += centred[k] * (values[k] - m)
                    squares += (values[k] - m) * (values[k] - m)
                }
                scores[(oy + s) * side + (ox + s)] = squares > 0 ? dot / (norm * squares.squareRoot()) : -2
            }
        }
        let best = scores.indices.max { scores[$0] < scores[$1] }!
        let bx = best % side, by = best / side
        guard scores[best] >= minimumCorrelation, bx > 0, by > 0, bx < side - 1, by < side - 1 else { return nil }
        func vertex(_ minus: Double, _ centre: Double, _ plus: Double) -> Double {
            let curvature = minus - 2 * centre + plus
            return curvature < 0 ? (minus - plus) / (2 * curvature) : 0
        }
        let dx = Double(bx - s) + vertex(scores[by * side + bx - 1], scores[best], scores[by * side + bx + 1])
        let dy = Double(by - s) + vertex(scores[(by - 1) * side + bx], scores[best], scores[(by + 1) * side + bx])
        return Match(column: column, row: row, dx: dx, dy: dy, correlation: scores[best])
    }
}
