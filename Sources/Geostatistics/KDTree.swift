/// A static 2-d tree over sample locations for nearest-neighbour kriging neighbourhoods.
///
/// The tree is implicit: `order` is a permutation of the sample indices in which the median of every
/// subrange is that subtree's node, split on the wider axis of the subrange.
struct KDTree: Sendable {
    private let x: [Double]
    private let y: [Double]
    private let order: [Int]
    /// Split axis of the node at each position of `order`: 0 for x, 1 for y.
    private let axis: [UInt8]

    init(x: [Double], y: [Double]) {
        precondition(x.count == y.count)
        self.x = x
        self.y = y
        var order = Array(x.indices)
        var axis = [UInt8](repeating: 0, count: x.count)
        Self.build(&order, &axis, x, y, 0, x.count)
        self.order = order
        self.axis = axis
    }

    private static func build(_ order: inout [Int], _ axis: inout [UInt8], _ x: [Double], _ y: [Double], _ low: Int, _ high: Int) {
        guard high - low > 1 else { return }
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for i in low..<high {
            let p = order[i]
            minX = min(minX, x[p]); maxX = max(maxX, x[p]); minY = min(minY, y[p]); maxY = max(maxY, y[p])
        }
        let splitOnY = maxY - minY > maxX - minX
        let coordinate = splitOnY ? y : x
        order[low..<high].sort { (coordinate[$0], $0) < (coordinate[$1], $1) }
        let median = (low + high) / 2
        axis[median] = splitOnY ? 1 : 0
        build(&order, &axis, x, y, low, median)
        build(&order, &axis, x, y, median + 1, high)
    }

    /// Fills `neighbours` with the `neighbours.capacity` samples nearest to (qx, qy) within
    /// `maxDistance`, ordered by distance and then by index (so ties resolve like a stable brute-force sort).
    func nearest(x qx: Double, y qy: Double, maxDistance: Double, into neighbours: inout NeighbourList) {
        let limit = maxDistance.isFinite ? maxDistance * maxDistance : Double.infinity
        let capacity = neighbours.capacity
        // Raw pointers for the whole descent: array accesses in the recursion cost more than the search.
        neighbours.count = x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                order.withUnsafeBufferPointer { order in
                    axis.withUnsafeBufferPointer { axis in
                        neighbours.indices.withUnsafeMutableBufferPointer { indices in
                            neighbours.distancesSquared.withUnsafeMutableBufferPointer { distances in
                                var search = Search(x: x.baseAddress!, y: y.baseAddress!, order: order.baseAddress!,
                                                    axis: axis.baseAddress!, qx: qx, qy: qy, limit: limit,
                                                    indices: indices.baseAddress!, distances: distances.baseAddress!,
                                                    capacity: capacity)
                                search.descend(0, order.count)
                                return search.count
                            }
                        }
                    }
                }
            }
        }
    }

    /// The squared distance from (qx, qy) to the nearest sample: exact (the same sums as a brute-force
    /// scan), so any query order or tiling gives the same answer; infinity for an empty tree.
    func nearestDistanceSquared(x qx: Double, y qy: Double) -> Double {
        var best = Double.infinity
        func descend(_ low: Int, _ high: Int) {
            guard low < high else { return }
            let median = (low + high) / 2
            let p = order[median]
            let dx = x[p] - qx, dy = y[p] - qy
            best = min(best, dx * dx + dy * dy)
            let offset = axis[median] == 0 ? qx - x[p] : qy - y[p]
            if offset < 0 { descend(low, median) } else { descend(median + 1, high) }
            if offset * offset <= best {
                if offset < 0 { descend(median + 1, high) } else { descend(low, median) }
            }
        }
        descend(0, order.count)
        return best
    }

    private struct Search {
        let x: UnsafePointer<Double>
        let y: UnsafePointer<Double>
        let order: UnsafePointer<Int>
        let axis: UnsafePointer<UInt8>
        let qx: Double
        let qy: Double
        let limit: Double
        let indices: UnsafeMutablePointer<Int>
        let distances: UnsafeMutablePointer<Double>
        let capacity: Int
        var count = 0

        mutating func descend(_ low: Int, _ high: Int) {
            guard low < high else { return }
            let median = (low + high) / 2
            let p = order[median]
            let dx = x[p] - qx, dy = y[p] - qy
            let d2 = dx * dx + dy * dy
            if d2 <= limit { offer(p, d2) }
            let offset = axis[median] == 0 ? qx - x[p] : qy - y[p]
            // The side holding the query first; the far side only if the splitting line is close enough.
            if offset < 0 { descend(low, median) } else { descend(median + 1, high) }
            let plane2 = offset * offset
            if plane2 <= limit && (count < capacity || plane2 <= distances[count - 1]) {
                if offset < 0 { descend(median + 1, high) } else { descend(low, median) }
            }
        }

        @inline(__always)
        mutating func offer(_ index: Int, _ d2: Double) {
            let full = count == capacity
            if full && (d2 > distances[count - 1] || (d2 == distances[count - 1] && index > indices[count - 1])) { return }
            var position = full ? count - 1 : count
            if !full { count += 1 }
            while position > 0 && (d2 < distances[position - 1] || (d2 == distances[position - 1] && index < indices[position - 1])) {
                indices[position] = indices[position - 1]
                distances[position] = distances[position - 1]
                position -= 1
            }
            indices[position] = index
            distances[position] = d2
        }
    }
}

/// The nearest samples of the last search, sorted by (distance², index); preallocated so neighbourhood
/// searches in a pixel loop do not allocate.
struct NeighbourList {
    let capacity: Int
    fileprivate(set) var count = 0
    fileprivate(set) var indices: [Int]
    fileprivate(set) var distancesSquared: [Double]

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        indices = [Int](repeating: 0, count: capacity)
        distancesSquared = [Double](repeating: 0, count: capacity)
    }
}
