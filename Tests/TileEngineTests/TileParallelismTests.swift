import Foundation
import RasterIO
import Synchronization
import Testing
import TestSupport
@testable import TileEngine

/// Records the parallelism the engine gives each tile (the kernel itself writes zeros).
private struct ParallelismProbe: TileKernel {
    let seen = SeenParallelism()
    var signature: String { "parallelism probe" }
    var inputBands: [Int] { [1] }
    var halo: Int { 0 }
    var outputDescriptions: [String] { ["zero"] }
    var outputNodata: Float { -9999 }

    func process(_ input: TileInput, into output: UnsafeMutableBufferPointer<Float>) throws {
        seen.record(input.parallelism)
        for i in output.indices { output[i] = 0 }
    }
}

private final class SeenParallelism: Sendable {
    private let values = Mutex<[Int]>([])
    func record(_ value: Int) { values.withLock { $0.append(value) } }
    var all: [Int] { values.withLock { $0 } }
}

@Suite struct TileParallelismTests {
    /// The engine owns the threads: a tile alone gets them all, tiles that keep every thread busy get one each.
    @Test(arguments: [(threads: 2, width: 200, expected: 2), (threads: 3, width: 200, expected: 3),
                      (threads: 2, width: 1300, expected: 1), (threads: 1, width: 200, expected: 1)])
    func tilesGetTheThreadsNoOtherTileTakes(threads: Int, width: Int, expected: Int) throws {
        let dir = try TemporaryDirectory()
        let scene = try TestRasters.writeScene(dir.file("scene.tif"), width: width, height: 200)
        let probe = ParallelismProbe()
        var options = EngineOptions()
        options.threads = threads
        options.tileSize = 256
        options.memoryBudget = 1 << 30
        _ = try TilePipeline.run(probe, input: scene, output: dir.file("out.tif"), options: options)
        let seen = probe.seen.all
        #expect(!seen.isEmpty && seen.allSatisfy { $0 == expected }, "parallelism per tile: \(seen)")
    }
}
