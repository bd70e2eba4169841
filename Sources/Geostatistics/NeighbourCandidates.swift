/// The samples that can enter the nmax neighbour set anywhere along a short stretch of grid, and the
/// set currently selected among them: with these few candidates (ascending sample index) a pixel's
/// neighbour set is found by brute force, and mostly just confirmed, instead of by a tree search.
///
/// Candidate coordinates are kept contiguous (padded with NaN to whole SIMD8 groups) so that the
/// per-pixel confirmation is a branch-free pass, eight candidates per step.
final class NeighbourCandidates {
    private(set) var isActive = false
    private let sampleCount: Int
    private var count = 0
    private let indices: UnsafeMutablePointer<Int>
    private let candidateX: UnsafeMutablePointer<Double>
    private let candidateY: UnsafeMutablePointer<Double>
    private let distancesSquared: UnsafeMutablePointer<Double>
    /// 1 where the candidate is in the current selection, else 0 (a Double, to load as a SIMD mask).
    private let selected: UnsafeMutablePointer<Double>
    /// Candidate positions by increasing (distance, index), for a full selection.
    private let order: UnsafeMutablePointer<Int>
    private var hasSelection = false
    private var selectedCount = 0

    init(sampleCount: Int) {
        self.sampleCount = sampleCount
        // Room for the NaN padding of the last SIMD group.
        let n = max(sampleCount, 1) + 8
        indices = .allocate(capacity: n)
        candidateX = .allocate(capacity: n)
        candidateY = .allocate(capacity: n)
        distancesSquared = .allocate(capacity: n)
        selected = .allocate(capacity: n)
        order = .allocate(capacity: n)
    }

    deinit {
        indices.deallocate()
        for pointer in [candidateX, candidateY, distancesSquared, selected] { pointer.deallocate() }
        order.deallocate()
    }

    /// Makes the samples within `radius` of (cx, cy) the candidates. When all of `previous` (ascending
    /// sample indices, e.g. the set selected along the last stretch) are among them, they become the
    /// current selection, to be confirmed rather than selected afresh at the next pixel.
    func gather(x cx: Double, y cy: Double, radius: Double, x: UnsafePointer<Double>, y: UnsafePointer<Double>,
                previous: UnsafePointer<Int>? = nil, previousCount: Int = 0) {
        let limit = radius * radius
        count = 0
        // Eight samples per step; most are far, so a step rarely finds one.
        var i = 0
        while i + 8 <= sampleCount {
            let dx = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Double>.self) - cx
            let dy = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Double>.self) - cy
            let inside = dx * dx + dy * dy .<= limit
            if any(inside) {
                for lane in 0..<8 where inside[lane] { append(i + lane, x, y) }
            }
            i += 8
        }
        while i < sampleCount {
            let dx = x[i] - cx, dy = y[i] - cy
            if dx * dx + dy * dy <= limit { append(i, x, y) }
            i += 1
        }
        for c in count..<((count + 7) / 8 * 8) {
            (candidateX[c], candidateY[c], selected[c]) = (.nan, .nan, 0)
        }
        isActive = true
        // Both lists ascend, so one forward walk finds the previous members among the candidates.
        var matched = 0
        if let previous {
            for c in 0..<count where matched < previousCount && indices[c] == previous[matched] {
                selected[c] = 1
                matched += 1
            }
        }
        hasSelection = previousCount > 0 && matched == previousCount
        selectedCount = hasSelection ? previousCount : 0
    }

    @inline(__always)
    private func append(_ i: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) {
        (indices[count], candidateX[count], candidateY[count], selected[count]) = (i, x[i], y[i], 0)
        count += 1
    }

    func clear() { isActive = false }

    /// Drops the current selection, so the next `select` selects afresh.
    func forgetSelection() { hasSelection = false }

    /// Writes the ascending sample indices of the (at most) `nmax` candidates nearest to (px, py) within
    /// `maxDistance`, ties by index, into `result`; returns how many, and whether the selection differs
    /// from the previous call's (when it does not, `result` is left untouched).
    func select(x px: Double, y py: Double, count nmax: Int, maxDistance: Double,
                into result: UnsafeMutablePointer<Int>) -> (count: Int, changed: Bool) {
        let limit = maxDistance * maxDistance
        if hasSelection && selectionStillHolds(px: px, py: py, nmax: nmax, limit: limit) {
            return (selectedCount, false)
        }
        if !hasSelection {
            computeDistances(px: px, py: py)
            selectAfresh(nmax: nmax, limit: limit)
        } else if !(selectedCount == nmax && swapUntilNearest(limit: limit)) {
            selectAfresh(nmax: nmax, limit: limit)
        }
        var m = 0
        for c in 0..<count where selected[c] == 1 {
            result[m] = indices[c]
            m += 1
        }
        return (m, true)
    }

    @inline(__always)
    private static func load(_ p: UnsafeMutablePointer<Double>, _ c: Int) -> SIMD8<Double> {
        UnsafeRawPointer(p + c).loadUnaligned(as: SIMD8<Double>.self)
    }

    private func computeDistances(px: Double, py: Double) {
        var c = 0
        while c < count {
            let dx = Self.load(candidateX, c) - px, dy = Self.load(candidateY, c) - py
            UnsafeMutableRawPointer(distancesSquared + c).storeBytes(of: dx * dx + dy * dy, as: SIMD8<Double>.self)
            c += 8
        }
    }

    /// The selection is still the nearest set when it is all within reach, as large as it can be, and
    /// its farthest member comes before every eligible candidate outside it. One SIMD pass finds the
    /// farthest member and the nearest eligible outsider (and stores the distances for a reselection);
    /// only an exact tie between them needs the index order, checked by `tieStillHolds`.
    private func selectionStillHolds(px: Double, py: Double, nmax: Int, limit: Double) -> Bool {
        var farthestIn = SIMD8<Double>(repeating: -.infinity), nearestOut = SIMD8<Double>(repeating: .infinity)
        var c = 0
        while c < count {
            let dx = Self.load(candidateX, c) - px, dy = Self.load(candidateY, c) - py
            let d2 = dx * dx + dy * dy
            UnsafeMutableRawPointer(distancesSquared + c).storeBytes(of: d2, as: SIMD8<Double>.self)
            let isIn = Self.load(selected, c) .== 1
            // Plain compares and blends: `pointwiseMax` is generic and not vectorised.
            farthestIn.replace(with: d2, where: isIn .& (d2 .> farthestIn))
            // NaN padding fails `.<= limit`, so it is never an eligible outsider.
            nearestOut.replace(with: d2, where: .!isIn .& (d2 .<= limit) .& (d2 .< nearestOut))
            c += 8
        }
        let (farthest, nearest) = Self.reduce(farthestIn, nearestOut)
        // Members beyond maxdist drop out; a set smaller than nmax must take every eligible outsider.
        guard farthest <= limit, selectedCount == nmax || nearest == .infinity else { return false }
        if farthest < nearest { return true }
        return farthest == nearest && tieStillHolds(distance: farthest)
    }

    /// The largest lane of `farthestIn` and the smallest of `nearestOut`, lane by lane: the SIMD
    /// `min()`/`max()` reductions are generic calls.
    @inline(__always)
    private static func reduce(_ farthestIn: SIMD8<Double>, _ nearestOut: SIMD8<Double>) -> (farthest: Double, nearest: Double) {
        var farthest = farthestIn[0], nearest = nearestOut[0]
        for lane in 1..<8 {
            farthest = max(farthest, farthestIn[lane])
            nearest = min(nearest, nearestOut[lane])
        }
        return (farthest, nearest)
    }

    /// With the farthest member and the nearest outsider at the same distance, the selection holds when
    /// the last member at that distance comes (by position, i.e. sample index) before the first outsider there.
    private func tieStillHolds(distance: Double) -> Bool {
        var lastIn = -1, firstOut = Int.max
        for c in 0..<count where distancesSquared[c] == distance {
            if selected[c] == 1 { lastIn = c } else if firstOut == Int.max { firstOut = c }
        }
        return lastIn < firstOut
    }

    /// Whether the current selection is the nearest set at every point of the horizontal segment from
    /// (x0, y) to (x1, y), x0 ≤ x1, without maxdist: every member's largest distance over the segment is
    /// below every outsider's smallest (with a relative margin far above the rounding of either side, so
    /// no per-point comparison of the reference could order them differently or tie them). The candidates
    /// hold every sample selectable along the segment, so a certified selection is every point's set.
    func selectionHoldsAlong(x0: Double, x1: Double, y: Double) -> Bool {
        guard hasSelection else { return false }
        var farthestIn = SIMD8<Double>(repeating: -.infinity), nearestOut = SIMD8<Double>(repeating: .infinity)
        var c = 0
        while c < count {
            let cx = Self.load(candidateX, c), dy = Self.load(candidateY, c) - y
            let dy2 = dy * dy
            let toStart = cx - x0, toEnd = cx - x1
            let farthest = pointwiseMaxConcrete(toStart * toStart, toEnd * toEnd) + dy2
            // The nearest point of the segment: the candidate's own x clamped into [x0, x1].
            let inside = toStart .>= 0 .& (toEnd .<= 0)
            let nearestX2 = pointwiseMinConcrete(toStart * toStart, toEnd * toEnd).replacing(with: 0, where: inside)
            let nearest = nearestX2 + dy2
            let isIn = Self.load(selected, c) .== 1
            farthestIn.replace(with: farthest, where: isIn .& (farthest .> farthestIn))
            // NaN padding fails every comparison, so it never becomes the nearest outsider.
            nearestOut.replace(with: nearest, where: .!isIn .& (nearest .< nearestOut))
            c += 8
        }
        let (farthest, nearest) = Self.reduce(farthestIn, nearestOut)
        // Rounding of a squared distance is relative to it, plus the coordinates' own rounding (relative to
        // their magnitude, e.g. 1e6 m in UTM) times the distance; both margins are far above either.
        let coordinateScale = abs(x0) + abs(x1) + abs(y) + 1
        return farthest + 1e-10 * nearest + 1e-12 * coordinateScale * nearest.squareRoot() < nearest
    }

    @inline(__always)
    private func pointwiseMaxConcrete(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { a.replacing(with: b, where: b .> a) }

    @inline(__always)
    private func pointwiseMinConcrete(_ a: SIMD8<Double>, _ b: SIMD8<Double>) -> SIMD8<Double> { a.replacing(with: b, where: b .< a) }

    /// A full selection whose members are all eligible becomes the nearest set by swapping its last
    /// member (by distance, then index) with the first eligible outsider while the outsider comes first —
    /// when the location has moved a pixel this is typically one swap. False (selection unusable, to be
    /// redone) when a member is beyond maxdist.
    private func swapUntilNearest(limit: Double) -> Bool {
        while true {
            var farthest = -Double.infinity, farthestPosition = -1
            var nearest = Double.infinity, nearestPosition = -1
            for c in 0..<count {
                let d = distancesSquared[c]
                if selected[c] == 1 {
                    // Positions ascend, so `>=` keeps the last of equal distances: the latest in (d, index) order.
                    if d >= farthest { (farthest, farthestPosition) = (d, c) }
                } else if d <= limit && d < nearest {
                    (nearest, nearestPosition) = (d, c)
                }
            }
            guard farthest <= limit else { return false }
            if nearestPosition < 0 || farthest < nearest || (farthest == nearest && farthestPosition < nearestPosition) {
                return true
            }
            selected[farthestPosition] = 0
            selected[nearestPosition] = 1
        }
    }

    /// Insertion into a sorted list of the nmax nearest so far (distances already in `distancesSquared`);
    /// runs only when the set changes.
    private func selectAfresh(nmax: Int, limit: Double) {
        var kept = 0
        for c in 0..<count {
            selected[c] = 0
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
        for k in 0..<kept { selected[order[k]] = 1 }
        hasSelection = true
        selectedCount = kept
    }
}
