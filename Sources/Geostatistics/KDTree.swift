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
        neighbours.removeAll()
        let limit = maxDistance.isFinite ? maxDistance * maxDistance : Double.infinity
        search(qx, qy, limit, 0, order.count, &neighbours)
    }

    private func search(_ qx: Double, _ qy: Double, _ limit: Double, _ low: Int, _ high: Int, _ list: inout NeighbourList) {
        guard low < high else { return }
        let median = (low + high) / 2
        let p = order[median]
        let dx = x[p] - qx, dy = y[p] - qy
        let d2 = dx * dx + dy * dy
        if d2 <= limit { list.offer(index: p, distanceSquared: d2) }
        let offset = axis[median] == 0 ? qx - x[p] : qy - y[p]
        // Visit the side holding the query first; the far side only if the splitting line is close enough.
        let (near, far) = offset < 0 ? ((low, median), (median + 1, high)) : ((median + 1, high), (low, median))
        search(qx, qy, limit, near.0, near.1, &list)
        let plane2 = offset * offset
        if plane2 <= limit && (!list.isFull || plane2 <= list.worstDistanceSquared) {
            search(qx, qy, limit, far.0, far.1, &list)
        }
    }
}

/// A bounded list of the nearest samples found so far, sorted by (distance², index); preallocated so
/// neighbourhood searches in a pixel loop do not allocate.
struct NeighbourList {
    let capacity: Int
    private(set) var count = 0
    private(set) var indices: [Int]
    private(set) var distancesSquared: [Double]

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        indices = [Int](repeating: 0, count: capacity)
        distancesSquared = [Double](repeating: 0, count: capacity)
    }

    var isFull: Bool { count == capacity }
    var worstDistanceSquared: Double { distancesSquared[count - 1] }

    mutating func removeAll() { count = 0 }

    mutating func offer(index: Int, distanceSquared d2: Double) {
        if isFull && (d2, index) >= (distancesSquared[count - 1], indices[count - 1]) { return }
        var position = isFull ? count - 1 : count
        if !isFull { count += 1 }
        while position > 0 && (d2, index) < (distancesSquared[position - 1], indices[position - 1]) {
            indices[position] = indices[position - 1]
            distancesSquared[position] = distancesSquared[position - 1]
            position -= 1
        }
        indices[position] = index
        distancesSquared[position] = d2
    }
}
