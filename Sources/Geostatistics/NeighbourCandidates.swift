/// The samples that can enter the nmax neighbour set anywhere along a short stretch of grid, and the
/// set currently selected among them: with these few candidates (ascending sample index) a pixel's
/// neighbour set is found by brute force, and mostly just confirmed, instead of by a tree search.
final class NeighbourCandidates {
    private(set) var isActive = false
    private let sampleCount: Int
    private var count = 0
    private let indices: UnsafeMutablePointer<Int>
    private let distancesSquared: UnsafeMutablePointer<Double>
    /// Whether each candidate is in the current selection.
    private let selected: UnsafeMutablePointer<Bool>
    /// Candidate positions by increasing (distance, index), for a full selection.
    private let order: UnsafeMutablePointer<Int>
    private var hasSelection = false

    init(sampleCount: Int) {
        self.sampleCount = sampleCount
        let n = max(sampleCount, 1)
        indices = .allocate(capacity: n)
        distancesSquared = .allocate(capacity: n)
        selected = .allocate(capacity: n)
        order = .allocate(capacity: n)
    }

    deinit {
        indices.deallocate()
        distancesSquared.deallocate()
        selected.deallocate()
        order.deallocate()
    }

    /// Makes the samples within `radius` of (cx, cy) the candidates.
    func gather(x cx: Double, y cy: Double, radius: Double, x: UnsafePointer<Double>, y: UnsafePointer<Double>) {
        let limit = radius * radius
        count = 0
        for i in 0..<sampleCount {
            let dx = x[i] - cx, dy = y[i] - cy
            if dx * dx + dy * dy <= limit {
                indices[count] = i
                count += 1
            }
        }
        isActive = true
        hasSelection = false
    }

    func clear() { isActive = false }

    /// Writes the ascending sample indices of the (at most) `nmax` candidates nearest to (px, py) within
    /// `maxDistance`, ties by index, into `result`; returns how many.
    func select(x px: Double, y py: Double, x: UnsafePointer<Double>, y: UnsafePointer<Double>, count nmax: Int,
                maxDistance: Double, into result: UnsafeMutablePointer<Int>) -> Int {
        let limit = maxDistance * maxDistance
        for c in 0..<count {
            let i = indices[c]
            let dx = x[i] - px, dy = y[i] - py
            distancesSquared[c] = dx * dx + dy * dy
        }
        if !(hasSelection && selectionStillHolds(nmax: nmax, limit: limit)) { selectAfresh(nmax: nmax, limit: limit) }
        var m = 0
        for c in 0..<count where selected[c] {
            result[m] = indices[c]
            m += 1
        }
        return m
    }

    /// The selection is still the nearest set when it is all within reach, as large as it can be, and
    /// its farthest member comes before every eligible candidate outside it.
    private func selectionStillHolds(nmax: Int, limit: Double) -> Bool {
        var inside = 0, eligible = 0
        var farthestIn = -1.0, farthestInPosition = -1
        var nearestOut = Double.infinity, nearestOutPosition = Int.max
        for c in 0..<count {
            let d = distancesSquared[c]
            let isEligible = d <= limit
            if isEligible { eligible += 1 }
            if selected[c] {
                guard isEligible else { return false }
                inside += 1
                // Positions ascend, so a tie goes to the later (larger-index) candidate.
                if d >= farthestIn { (farthestIn, farthestInPosition) = (d, c) }
            } else if isEligible && d < nearestOut {
                (nearestOut, nearestOutPosition) = (d, c)
            }
        }
        guard inside == min(nmax, eligible) else { return false }
        return farthestIn < nearestOut || (farthestIn == nearestOut && farthestInPosition < nearestOutPosition)
    }

    /// Insertion into a sorted list of the nmax nearest so far; runs only when the set changes.
    private func selectAfresh(nmax: Int, limit: Double) {
        var kept = 0
        for c in 0..<count {
            selected[c] = false
            let d = distancesSquared[c]
            guard d <= limit else { continue }
            // Equal distances keep position order, as the index tie-break requires.
            if kept == nmax && d >= distancesSquared[order[kept - 1]] { continue }
            var slot = min(kept, nmax - 1)
            while slot > 0 && distancesSquared[order[slot - 1]] > d {
                order[slot] = order[slot - 1]
                slot -= 1
            }
            order[slot] = c
            kept = min(kept + 1, nmax)
        }
        for k in 0..<kept { selected[order[k]] = true }
        hasSelection = true
    }
}
