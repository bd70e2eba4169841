/// A few recently used factorised local systems, keyed by their ascending sample indices, so that a
/// neighbour set met again (typically on the next raster row) is not factorised again.
///
/// Owned by one `KrigingWorkspace`; slots are flat buffers so the hot loops read raw pointers.
final class FactorizedSystemCache {
    typealias Buffers = (indices: UnsafeMutablePointer<Int>, x: UnsafeMutablePointer<Double>, y: UnsafeMutablePointer<Double>,
                         lower: UnsafeMutablePointer<Double>, onesSolved: UnsafeMutablePointer<Double>,
                         residualWeights: UnsafeMutablePointer<Double>)

    /// As many slots as fit in about 4 MB, at most 64 (a 64-pixel strip of rows visits far fewer sets).
    static func slotCount(capacity: Int) -> Int {
        let bytesPerSlot = (capacity * capacity + 5 * capacity) * MemoryLayout<Double>.stride
        return max(1, min(64, (4 << 20) / max(bytesPerSlot, 1)))
    }

    private let capacity: Int
    let slots: Int
    private let indices: UnsafeMutablePointer<Int>
    private let x: UnsafeMutablePointer<Double>
    private let y: UnsafeMutablePointer<Double>
    private let lower: UnsafeMutablePointer<Double>
    private let onesSolved: UnsafeMutablePointer<Double>
    private let residualWeights: UnsafeMutablePointer<Double>
    /// Per slot: sample count (0 = empty), key hash, 1ᵀK⁻¹1, m̂ and the last use for LRU eviction.
    private var counts: [Int]
    private var hashes: [Int]
    private var onesNorms: [Double]
    private var means: [Double]
    private var lastUse: [Int]
    private var clock = 0

    init(capacity: Int, slots: Int) {
        self.capacity = max(capacity, 1)
        self.slots = slots
        indices = .allocate(capacity: slots * self.capacity)
        x = .allocate(capacity: slots * self.capacity)
        y = .allocate(capacity: slots * self.capacity)
        lower = .allocate(capacity: slots * self.capacity * self.capacity)
        onesSolved = .allocate(capacity: slots * self.capacity)
        residualWeights = .allocate(capacity: slots * self.capacity)
        counts = [Int](repeating: 0, count: slots)
        hashes = counts
        lastUse = counts
        onesNorms = [Double](repeating: 0, count: slots)
        means = onesNorms
    }

    deinit {
        indices.deallocate()
        for pointer in [x, y, lower, onesSolved, residualWeights] { pointer.deallocate() }
    }

    func buffers(of slot: Int) -> Buffers {
        let offset = slot * capacity
        return (indices + offset, x + offset, y + offset, lower + offset * capacity, onesSolved + offset, residualWeights + offset)
    }

    func summary(of slot: Int) -> (onesNorm: Double, mean: Double) { (onesNorms[slot], means[slot]) }

    /// The slot holding the system of `key` (count ascending indices) and true, or the slot to
    /// factorise it into (least recently used, now marked empty until `store`) and false.
    func slot(for key: UnsafePointer<Int>, count: Int) -> (slot: Int, isCached: Bool) {
        clock += 1
        // A cheap FNV-style mix: the hash only spares most full comparisons, so collisions are harmless.
        var hash = count
        for a in 0..<count { hash = (hash ^ key[a]) &* 0x100_0000_01B3 }
        var victim = 0
        for slot in 0..<slots {
            if counts[slot] == count && hashes[slot] == hash
                && (indices + slot * capacity).equals(key, count: count) {
                lastUse[slot] = clock
                return (slot, true)
            }
            if lastUse[slot] < lastUse[victim] { victim = slot }
        }
        counts[victim] = 0
        hashes[victim] = hash
        lastUse[victim] = clock
        return (victim, false)
    }

    /// Marks `slot` as holding a factorised system of `count` samples (its key already in `indices`).
    func store(slot: Int, count: Int, onesNorm: Double, mean: Double) {
        counts[slot] = count
        onesNorms[slot] = onesNorm
        means[slot] = mean
    }
}

private extension UnsafeMutablePointer<Int> {
    /// Whether the first `count` elements equal those of `other`.
    func equals(_ other: UnsafePointer<Int>, count: Int) -> Bool {
        for a in 0..<count where self[a] != other[a] { return false }
        return true
    }
}
