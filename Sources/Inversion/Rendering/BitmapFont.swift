/// A 5 × 7 pixel font for the few labels a quick-look carries (legend values, scale bar, units),
/// so rendering needs no font library. Unknown characters draw as blanks.
enum BitmapFont {
    static let width = 5, height = 7

    /// Rows top to bottom; bit 4 is the leftmost pixel.
    static let glyphs: [Character: [UInt8]] = [
        "0": [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E], "1": [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        "2": [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F], "3": [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        "4": [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02], "5": [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        "6": [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E], "7": [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        "8": [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E], "9": [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        ".": [0, 0, 0, 0, 0, 0x0C, 0x0C], "-": [0, 0, 0, 0x1F, 0, 0, 0], "%": [0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03],
        "m": [0, 0, 0x1A, 0x15, 0x15, 0x11, 0x11], "k": [0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12],
        "R": [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11], "E": [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        "O": [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E], "N": [0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11],
        "(": [0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02], ")": [0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08],
        " ": [0, 0, 0, 0, 0, 0, 0],
        // Enough for the usual content units: ppm, ppb, g/t, mg/kg, and squared units of variances.
        "p": [0, 0, 0x1E, 0x11, 0x1E, 0x10, 0x10], "b": [0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E],
        "g": [0, 0, 0x0F, 0x11, 0x0F, 0x01, 0x0E], "t": [0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06],
        "l": [0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E], "u": [0, 0, 0x11, 0x11, 0x11, 0x13, 0x0D],
        "/": [0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10], "²": [0x0C, 0x12, 0x04, 0x08, 0x1E, 0, 0],
    ]

    /// Width in pixels of `text` at `scale` (one blank column between glyphs).
    static func measure(_ text: String, scale: Int) -> Int {
        max(0, text.count * (width + 1) - 1) * scale
    }

    /// Draws `text` into an RGBA canvas with its top-left corner at (x, y).
    static func draw(_ text: String, x: Int, y: Int, scale: Int, colour: SIMD4<UInt8>, on canvas: inout RGBACanvas) {
        for (index, character) in text.enumerated() {
            guard let rows = glyphs[character] else { continue }
            let left = x + index * (width + 1) * scale
            for (r, bits) in rows.enumerated() {
                for c in 0..<width where bits & (0x10 >> UInt8(c)) != 0 {
                    canvas.fill(x: left + c * scale, y: y + r * scale, width: scale, height: scale, colour: colour)
                }
            }
        }
    }
}

/// An 8-bit RGBA image in memory.
struct RGBACanvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, background: SIMD4<UInt8> = .zero) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
        fill(x: 0, y: 0, width: width, height: height, colour: background)
    }

    mutating func set(x: Int, y: Int, _ colour: SIMD4<UInt8>) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 4
        pixels[i] = colour.x; pixels[i + 1] = colour.y; pixels[i + 2] = colour.z; pixels[i + 3] = colour.w
    }

    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, colour: SIMD4<UInt8>) {
        for row in max(0, y)..<min(height, y + h) {
            for column in max(0, x)..<min(width, x + w) { set(x: column, y: row, colour) }
        }
    }
}
