import Foundation
@testable import Geostatistics
import Synchronization
import TestSupport
import Testing

@Suite struct WorkSharingTests {
    /// Every item runs once, on no more threads than the caller's share, and one worker stays on
    /// the calling thread.
    @Test(arguments: [(1, 1), (7, 1), (7, 2), (64, 2), (3, 8)])
    func itemsRunOnceOnAtMostTheGivenThreads(items: Int, workers: Int) {
        let seen = Mutex<(items: [Int], threads: Set<UInt>)>(([], []))
        let caller = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(bitPattern: UInt(pthread_self()))))
        WorkSharing.run(items: items, workers: workers) { item in
            let thread = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(bitPattern: UInt(pthread_self()))))
            seen.withLock { $0.items.append(item); $0.threads.insert(thread) }
        }
        let (done, threads) = seen.withLock { $0 }
        #expect(done.sorted() == Array(0..<items))
        #expect(threads.count <= min(workers, items))
        if workers == 1 { #expect(threads == [caller]) }
    }

    /// The threads a grid is kriged on never change its values: the work is cut the same way.
    @Test(arguments: [KrigingNeighbourhood.global, .nearest(12, maxDistance: .infinity)],
          [VariogramModel.Kind.exponential, .spherical, .gaussian])
    func gridValuesDoNotDependOnTheThreads(neighbourhood: KrigingNeighbourhood, kind: VariogramModel.Kind) throws {
        var generator = SeededGenerator(seed: 41)
        let n = 60
        let samples = try SpatialSamples(x: (0..<n).map { _ in Double.random(in: 0..<300, using: &generator) },
                                         y: (0..<n).map { _ in Double.random(in: 0..<300, using: &generator) },
                                         z: (0..<n).map { _ in Double.random(in: 0..<5, using: &generator) })
        let model = try VariogramModel(kind: kind, partialSill: 2, range: 80, nugget: 0.1)
        let kriging = try OrdinaryKriging(samples: samples, model: model, neighbourhood: neighbourhood, support: .point)
        let grid = try GridWindow(originX: 0, originY: 300, pixelWidth: 2, pixelHeight: -2, width: 150, height: 150)
        let serial = try kriging.predictGrid(grid, variances: true, gridOrigin: (0, 300), parallelism: 1)
        let parallel = try kriging.predictGrid(grid, variances: true, gridOrigin: (0, 300), parallelism: 2)
        #expect(serial.values == parallel.values)
        #expect(serial.variances == parallel.variances)
    }
}
