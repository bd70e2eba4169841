import Foundation

/// A square of the lattice as it meets a window: a block, or a quarter of one at the next level.
struct LatticeSquare {
    /// Window column and row of the square's first lattice pixel (negative when it starts before
    /// the window) and its side in pixels.
    let firstColumn: Int
    let firstRow: Int
    let size: Int
    /// Window columns and rows inside the square.
    let columns: Range<Int>
    let rows: Range<Int>
    /// Pixel-centre coordinates of the square's first and last lattice column (row), so the interval
    /// is the same whichever window the square is seen from.
    let xInterval: (Double, Double)
    let yInterval: (Double, Double)

    var isEmpty: Bool { columns.isEmpty || rows.isEmpty }
}

/// Where a window lies on the block lattice of the grid whose outer corner is `gridOrigin`: the
/// far-field grids (`ExponentialFarFieldGrid`, `FarFieldVarianceGrid`) work in squares of `blockSize`
/// pixels laid out from the whole grid's origin, and their quarters, with every pixel coordinate
/// computed from that origin, so a tile of a grid gets the same blocks, coordinates and values as the
/// whole grid.
struct GridLattice {
    /// Pixels per side of a lattice block.
    static let blockSize = 128

    let window: GridWindow
    let originX: Double
    let originY: Double
    let columnOffset: Int
    let rowOffset: Int
    /// Whether the lattice is the whole grid's: then a block's plan must not depend on how much of it
    /// the window holds (tiles would differ from the whole grid); otherwise a block partly outside a
    /// small window is planned for the pixels it has.
    let isAnchored: Bool

    /// A window off the grid's pixel lattice (or without a grid) is its own grid.
    init(window: GridWindow, gridOrigin: (x: Double, y: Double)?) {
        self.window = window
        let columns = gridOrigin.map { (window.originX - $0.x) / window.pixelWidth } ?? 0
        let rows = gridOrigin.map { (window.originY - $0.y) / window.pixelHeight } ?? 0
        if let gridOrigin, abs(columns - columns.rounded()) < 1e-6, abs(rows - rows.rounded()) < 1e-6,
           abs(columns) < 1e12, abs(rows) < 1e12 {
            (originX, originY, columnOffset, rowOffset) = (gridOrigin.x, gridOrigin.y, Int(columns.rounded()), Int(rows.rounded()))
            isAnchored = true
        } else {
            (originX, originY, columnOffset, rowOffset) = (window.originX, window.originY, 0, 0)
            isAnchored = false
        }
    }

    /// Centre of window column `column` (or row `row`), from the lattice origin.
    func x(_ column: Int) -> Double { originX + (Double(column + columnOffset) + 0.5) * window.pixelWidth }
    func y(_ row: Int) -> Double { originY + (Double(row + rowOffset) + 0.5) * window.pixelHeight }

    /// The lattice blocks that meet the window, row by row.
    var blocks: [LatticeSquare] {
        let size = GridLattice.blockSize
        func floorDivide(_ a: Int) -> Int { a >= 0 ? a / size : -((-a + size - 1) / size) }
        guard window.width > 0, window.height > 0 else { return [] }
        var result: [LatticeSquare] = []
        for blockRow in floorDivide(rowOffset)...floorDivide(rowOffset + window.height - 1) {
            for blockColumn in floorDivide(columnOffset)...floorDivide(columnOffset + window.width - 1) {
                result.append(square(firstColumn: blockColumn * size - columnOffset, firstRow: blockRow * size - rowOffset, size: size))
            }
        }
        return result
    }

    /// The four quarters of `block` that meet the window.
    func quarters(of block: LatticeSquare) -> [LatticeSquare] {
        let half = block.size / 2
        return [(0, 0), (half, 0), (0, half), (half, half)]
            .map { square(firstColumn: block.firstColumn + $0.0, firstRow: block.firstRow + $0.1, size: half) }
            .filter { !$0.isEmpty }
    }

    private func square(firstColumn: Int, firstRow: Int, size: Int) -> LatticeSquare {
        LatticeSquare(firstColumn: firstColumn, firstRow: firstRow, size: size,
              columns: max(firstColumn, 0)..<max(min(firstColumn + size, window.width), max(firstColumn, 0)),
              rows: max(firstRow, 0)..<max(min(firstRow + size, window.height), max(firstRow, 0)),
              xInterval: Self.ordered(x(firstColumn), x(firstColumn + size - 1)),
              yInterval: Self.ordered(y(firstRow), y(firstRow + size - 1)))
    }

    private static func ordered(_ a: Double, _ b: Double) -> (Double, Double) { (min(a, b), max(a, b)) }
}
