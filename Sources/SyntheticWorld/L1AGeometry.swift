import Foundation

/// The known sensor model of a synthetic L1A image: ground (map easting E, northing N in the scene's
/// UTM zone, height h) → image (sample, line), pixel centres at whole numbers from 0 (the RPC
/// convention; GDAL's pixel/line are these + ½).
///
/// 1. Terrain displacement of an oblique view: a point h metres up is seen where the line of sight
///    through it meets the height-0 plane, h·tan(view zenith) further from the satellite:
///    apparent (E′, N′) = (E, N) − h·tan θv·(sin φs, cos φs), φs the satellite azimuth.
/// 2. An affine camera on the apparent plane: (E′, N′) = origin + sample·u + line·v, with the sample
///    axis u (length `sampleSpacing`) rotated `rotation` degrees clockwise from east, and the line
///    axis v rotated the same from south plus `skew` degrees, `alongTrackScale` × longer than u.
public struct L1AGeometry: Sendable, Codable, Equatable {
    public var rotation: Double
    public var skew: Double
    public var alongTrackScale: Double
    /// Metres on the ground between sample centres.
    public var sampleSpacing: Double
    public var satelliteZenith: Double
    public var satelliteAzimuth: Double
    /// Apparent ground position (E′, N′) of pixel centre (0, 0).
    public var origin: [Double]
    public var width: Int
    public var height: Int

    /// Ground metres per sample and per line, (east, north).
    public var sampleAxis: (east: Double, north: Double) {
        let r = rotation * .pi / 180
        return (sampleSpacing * cos(r), -sampleSpacing * sin(r))
    }

    public var lineAxis: (east: Double, north: Double) {
        let r = (rotation + skew) * .pi / 180, length = sampleSpacing * alongTrackScale
        return (-length * sin(r), -length * cos(r))
    }

    /// Horizontal displacement per metre of height, (east, north), away from the satellite.
    public var displacementPerMetre: (east: Double, north: Double) {
        let t = tan(satelliteZenith * .pi / 180), a = satelliteAzimuth * .pi / 180
        return (-t * sin(a), -t * cos(a))
    }

    /// Image position of the ground point (E, N, h).
    public func image(east: Double, north: Double, height h: Double) -> (sample: Double, line: Double) {
        resolved().image(east: east, north: north, height: h)
    }

    /// Apparent ground position of an image position (the ground point if it lies at height 0).
    public func apparent(sample: Double, line: Double) -> (east: Double, north: Double) {
        resolved().apparent(sample: sample, line: line)
    }

    /// The ground point seen at an image position on the terrain `terrainHeight(E, N)` (see `Resolved`).
    public func ground(sample: Double, line: Double, startHeight: Double = 0,
                       terrainHeight: (Double, Double) -> Double) -> (east: Double, north: Double, height: Double) {
        resolved().ground(sample: sample, line: line, startHeight: startHeight, terrainHeight: terrainHeight)
    }

    /// The camera's axes and displacement worked out once, for per-pixel use.
    public func resolved() -> Resolved {
        Resolved(origin: (origin[0], origin[1]), u: sampleAxis, v: lineAxis, d: displacementPerMetre)
    }

    public struct Resolved: Sendable {
        let origin: (east: Double, north: Double)
        let u: (east: Double, north: Double)
        let v: (east: Double, north: Double)
        let d: (east: Double, north: Double)

        @inline(__always)
        public func image(east: Double, north: Double, height h: Double) -> (sample: Double, line: Double) {
            let x = east + h * d.east - origin.east, y = north + h * d.north - origin.north
            let determinant = u.east * v.north - v.east * u.north
            return ((x * v.north - v.east * y) / determinant, (u.east * y - x * u.north) / determinant)
        }

        @inline(__always)
        public func apparent(sample: Double, line: Double) -> (east: Double, north: Double) {
            (origin.east + sample * u.east + line * v.east, origin.north + sample * u.north + line * v.north)
        }

        /// The ground point seen at an image position when the terrain is `terrainHeight(E, N)`:
        /// the fixed point of E = E′ − h(E, N)·d, which contracts while the slope × tan θv stays
        /// below 1. Starting from `startHeight` (a neighbouring pixel's) saves iterations.
        @inline(__always)
        public func ground(sample: Double, line: Double, startHeight: Double = 0,
                           terrainHeight: (Double, Double) -> Double) -> (east: Double, north: Double, height: Double) {
            let a = apparent(sample: sample, line: line)
            var h = startHeight
            for _ in 0..<50 {
                let next = terrainHeight(a.east - h * d.east, a.north - h * d.north)
                let step = abs(next - h)
                h = next
                // A millionth of a metre of height moves the point less than that on the ground.
                if step < 1e-6 { break }
            }
            return (a.east - h * d.east, a.north - h * d.north, h)
        }
    }

    /// The same camera with pixels `factor` times smaller on the same footprint (the PAN image of an
    /// MSS one): pixel edges coincide at the image's outer edges.
    public func finer(by factor: Int) -> L1AGeometry {
        var finer = self
        let f = Double(factor)
        finer.sampleSpacing = sampleSpacing / f
        // Pixel centre 0 of the finer image lies (1 − 1/f)/2 of a coarse pixel before coarse centre 0.
        let shift = -(1 - 1 / f) / 2
        let start = apparent(sample: shift, line: shift)
        finer.origin = [start.east, start.north]
        finer.width = width * factor
        finer.height = height * factor
        return finer
    }
}
