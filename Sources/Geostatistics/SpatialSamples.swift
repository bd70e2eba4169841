/// Point samples (x, y, value) with distinct locations, as kriging needs them.
///
/// Two samples at one location make the kriging matrix singular, so they are found up front and either
/// rejected with an error naming them or merged into one sample carrying their mean value.
public struct SpatialSamples: Sendable, Equatable {
    public enum DuplicatePolicy: Sendable, Equatable {
        /// Throw `GeostatisticsError.duplicateLocation` naming the first pair found.
        case reject
        /// Replace each group of samples at one location by one sample with their mean value.
        case merge
    }

    /// One location where several input samples were averaged (the warning `merge` returns).
    public struct MergedDuplicate: Sendable, Equatable {
        public let x: Double
        public let y: Double
        /// Indices into the input arrays of the samples that were averaged, ascending.
        public let inputIndices: [Int]
        public let meanValue: Double
    }

    public let x: [Double]
    public let y: [Double]
    public let z: [Double]
    /// Empty unless `merge` found samples sharing a location.
    public let mergedDuplicates: [MergedDuplicate]

    public var count: Int { z.count }

    public init(x: [Double], y: [Double], z: [Double], duplicates: DuplicatePolicy = .reject) throws {
        guard x.count == y.count, y.count == z.count else {
            throw GeostatisticsError.lengthMismatch(x: x.count, y: y.count, z: z.count)
        }
        for (name, values) in [("x", x), ("y", y), ("z", z)] {
            if let i = values.firstIndex(where: { !$0.isFinite }) { throw GeostatisticsError.notFinite(name, index: i) }
        }
        // Sorting by location puts samples that share one next to each other.
        let order = x.indices.sorted { (x[$0], y[$0], $0) < (x[$1], y[$1], $1) }
        var groups: [[Int]] = []
        for i in order {
            if let last = groups.last?.first, x[last] == x[i], y[last] == y[i] {
                groups[groups.count - 1].append(i)
            } else {
                groups.append([i])
            }
        }
        if groups.count == x.count {
            (self.x, self.y, self.z, mergedDuplicates) = (x, y, z, [])
            return
        }
        if duplicates == .reject {
            let group = groups.filter { $0.count > 1 }.min { $0[1] < $1[1] }!
            throw GeostatisticsError.duplicateLocation(first: group[0], second: group[1], x: x[group[0]], y: y[group[0]])
        }
        // Keep the input order of first occurrences so merged data stay recognisable.
        groups.sort { $0[0] < $1[0] }
        var mx: [Double] = [], my: [Double] = [], mz: [Double] = [], merged: [MergedDuplicate] = []
        for group in groups {
            let mean = group.reduce(0) { $0 + z[$1] } / Double(group.count)
            mx.append(x[group[0]]); my.append(y[group[0]]); mz.append(mean)
            if group.count > 1 {
                merged.append(MergedDuplicate(x: x[group[0]], y: y[group[0]], inputIndices: group, meanValue: mean))
            }
        }
        (self.x, self.y, self.z, mergedDuplicates) = (mx, my, mz, merged)
    }

    /// The samples except those at `excluded` indices (cross-validation folds).
    func removing(_ excluded: Set<Int>) -> SpatialSamples {
        let kept = indices.filter { !excluded.contains($0) }
        return SpatialSamples(unchecked: kept.map { x[$0] }, kept.map { y[$0] }, kept.map { z[$0] })
    }

    var indices: Range<Int> { z.indices }

    private init(unchecked x: [Double], _ y: [Double], _ z: [Double]) {
        (self.x, self.y, self.z, mergedDuplicates) = (x, y, z, [])
    }
}
