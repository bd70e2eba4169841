import Foundation
import Testing
import TestSupport

/// The geolocation check recovers known shifts: a textured image (white noise smoothed over 3 × 3,
/// like the world's per-pixel variation after resampling) against copies of itself moved by whole
/// and by fractional pixels (bilinear resampling).
@Suite("GeolocationCheck finds known shifts")
struct GeolocationCheckTests {
    static let size = 160

    static func texture() -> [Float] {
        var random = SeededGenerator(seed: 11)
        let n = size + 2
        let noise = (0..<(n * n)).map { _ in Float.random(in: 0...1, using: &random) }
        return (0..<(size * size)).map { i in
            let x = i % size + 1, y = i / size + 1
            var sum: Float = 0
            for dy in -1...1 { for dx in -1...1 { sum += noise[(y + dy) * n + x + dx] } }
            return sum
        }
    }

    /// The image's content moved by (dx, dy): value at (x, y) is the original's at (x − dx, y − dy), bilinear.
    static func moved(_ image: [Float], dx: Double, dy: Double) -> [Float] {
        (0..<(size * size)).map { i in
            let x = Double(i % size) - dx, y = Double(i / size) - dy
            let x0 = min(max(Int(x.rounded(.down)), 0), size - 2), y0 = min(max(Int(y.rounded(.down)), 0), size - 2)
            let fx = Float(x - Double(x0)), fy = Float(y - Double(y0))
            let top = image[y0 * size + x0] * (1 - fx) + image[y0 * size + x0 + 1] * fx
            let bottom = image[(y0 + 1) * size + x0] * (1 - fx) + image[(y0 + 1) * size + x0 + 1] * fx
            return top * (1 - fy) + bottom * fy
        }
    }

    /// Measured: a whole-pixel shift comes back to 0.016 px RMSE (the correlation peak is not
    /// symmetric, so the parabolas' vertices move a little), a fractional one to 0.14 px (the
    /// parabolic fit's known bias towards whole pixels, largest near half a pixel); the bounds
    /// leave room for other textures.
    @Test(arguments: [(2.0, -3.0, 0.1), (0.5, -0.3, 0.3)])
    func recoversAKnownShift(_ dx: Double, _ dy: Double, _ tolerance: Double) {
        let reference = Self.texture()
        let matches = GeolocationCheck(searchRadius: 5).matches(reference: reference, candidate: Self.moved(reference, dx: dx, dy: dy),
                                                                width: Self.size, height: Self.size, grid: 10)
        #expect(matches.count == 100)
        let rmse = GeolocationCheck.rmse(matches) { _ in (dx, dy) }
        #expect(rmse <= tolerance, "RMSE \(rmse) px from the shift (\(dx), \(dy))")
        print("GeolocationCheck: shift (\(dx), \(dy)) recovered to \(rmse) px RMSE")
    }
}
