import Foundation
import RasterIO

/// A stationary Gaussian random field with exponential covariance `C(h) = exp(−h / a)`, made of
/// random Fourier features: `g(p) = √(2/N) Σ cos(ωᵢ·p + φᵢ)`, ωᵢ drawn from the covariance's
/// spectral density (2-D: radial CDF `1 − (1 + a²r²)^−½`), stratified. Values are computed only on a lattice
/// (every `spacing` metres) and interpolated bicubically in between, so a field costs N cosines
/// per lattice node, not per pixel; frequencies above the lattice's Nyquist limit are left out,
/// which removes the sub-lattice part of the spectrum (the field is smooth at pixel scale).
///
/// Pure function of position: seamless across tiles of any size.
struct RandomField: Sendable {
    let range: Double
    let spacing: Double
    private let frequencies: [(x: Double, y: Double)]
    private let phases: [Double]
    private let amplitude: Double
    /// Per-feature weights: all 1 for the field itself, a filter's response for a filtered field.
    private var weights: [Double]

    init(hash: WorldHash, stream: Stream, range: Double, spacing: Double, features: Int = 128) {
        self.range = range
        self.spacing = spacing
        // Latin-hypercube draws: radial quantiles and directions each cover their range evenly, so
        // a few hundred features give an isotropic field without streaks along a few directions.
        // Radial quantiles stop at the lattice's Nyquist frequency (the CDF there, not a redraw).
        let nyquist = Double.pi / spacing
        let maxQuantile = 1 - 1 / (1 + range * range * nyquist * nyquist).squareRoot()
        var order = Array(0..<features)
        for i in stride(from: features - 1, to: 0, by: -1) {
            let j = Int(hash.bits(stream.rawValue, i, 7) % UInt64(i + 1))
            order.swapAt(i, j)
        }
        var frequencies: [(x: Double, y: Double)] = []
        var phases: [Double] = []
        for i in 0..<features {
            let u = (Double(i) + hash.uniform(stream.rawValue, i, 1)) / Double(features) * maxQuantile
            let angle = (Double(order[i]) + hash.uniform(stream.rawValue, i, 2)) / Double(features) * .pi
            let r = ((1 / ((1 - u) * (1 - u))) - 1).squareRoot() / range
            frequencies.append((r * cos(angle), r * sin(angle)))
            phases.append(hash.uniform(stream.rawValue, i, 3) * 2 * .pi)
        }
        self.frequencies = frequencies
        self.phases = phases
        amplitude = (2 / Double(features)).squareRoot()
        weights = [Double](repeating: 1, count: features)
    }

    /// The field convolved with a Gaussian of standard deviation `sigma` metres: each feature
    /// `cos(ω·p + φ)` is an eigenfunction of the convolution, scaled by `exp(−|ω|² σ² / 2)`.
    func smoothed(sigma: Double) -> RandomField {
        var result = self
        result.weights = frequencies.indices.map { i in
            let f = frequencies[i]
            return weights[i] * exp(-(f.x * f.x + f.y * f.y) * sigma * sigma / 2)
        }
        return result
    }

    /// The field at map position (x, y) metres, straight from the features (lattice nodes use this).
    func exact(x: Double, y: Double) -> Double {
        var sum = 0.0
        for i in frequencies.indices {
            sum += weights[i] * cos(frequencies[i].x * x + frequencies[i].y * y + phases[i])
        }
        return sum * amplitude
    }

    /// Lattice values covering a pixel window, ready for interpolation.
    func lattice(covering window: Window, pixelSize: Double) -> FieldLattice {
        let step = spacing / pixelSize
        let i0 = Int((Double(window.x) / step).rounded(.down)) - 1
        let j0 = Int((Double(window.y) / step).rounded(.down)) - 1
        let i1 = Int((Double(window.x + window.width) / step).rounded(.down)) + 2
        let j1 = Int((Double(window.y + window.height) / step).rounded(.down)) + 2
        let columns = i1 - i0 + 1, rows = j1 - j0 + 1
        var values = [Double](repeating: 0, count: columns * rows)
        for j in 0..<rows {
            for i in 0..<columns {
                values[j * columns + i] = exact(x: Double(i0 + i) * spacing, y: Double(j0 + j) * spacing)
            }
        }
        return FieldLattice(i0: i0, j0: j0, columns: columns, values: values, step: step)
    }
}

/// Lattice values of a field around one window; `value(px:py:)` interpolates at pixel centres,
/// `value(column:row:)` anywhere inside the window.
struct FieldLattice: Sendable {
    let i0: Int, j0: Int, columns: Int
    let values: [Double]
    let step: Double

    @inline(__always)
    func value(px: Int, py: Int) -> Double { value(column: Double(px) + 0.5, row: Double(py) + 0.5) }

    /// The field at a continuous pixel position (pixel edges at whole numbers, centres at ½), inside
    /// the window the lattice covers.
    @inline(__always)
    func value(column: Double, row: Double) -> Double {
        let fx = column / step, fy = row / step
        let ix = Int(fx.rounded(.down)), iy = Int(fy.rounded(.down))
        let tx = fx - Double(ix), ty = fy - Double(iy)
        let wx = catmullRom(tx), wy = catmullRom(ty)
        let row = (iy - 1 - j0) * columns + (ix - 1 - i0)
        return values.withUnsafeBufferPointer { v in
            @inline(__always) func line(_ r: Int) -> Double {
                v[r] * wx.0 + v[r + 1] * wx.1 + v[r + 2] * wx.2 + v[r + 3] * wx.3
            }
            return line(row) * wy.0 + line(row + columns) * wy.1 + line(row + 2 * columns) * wy.2
                + line(row + 3 * columns) * wy.3
        }
    }

    @inline(__always)
    private func catmullRom(_ t: Double) -> (Double, Double, Double, Double) {
        let t2 = t * t, t3 = t2 * t
        return ((-t3 + 2 * t2 - t) / 2, (3 * t3 - 5 * t2 + 2) / 2, (-3 * t3 + 4 * t2 + t) / 2, (t3 - t2) / 2)
    }
}
