import Dispatch
import Foundation
import RasterIO
import Synchronization
import Testing
import TestSupport

@Suite("Concurrent reads through the handle pool")
struct ConcurrentReadTests {
    /// Many threads read random windows of one ZSTD file at once; each must get exactly its pixels.
    @Test func everyThreadGetsItsOwnPixels() throws {
        let dir = try TemporaryDirectory()
        let (width, height) = (700, 600)
        try TestRasters.write(dir.file("z.tif"), width: width, height: height, bands: 4, tileSize: 128)
        let pool = try RasterReaderPool(path: dir.file("z.tif"))
        let mismatches = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let threads = 8
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            var rng = SeededGenerator(seed: UInt64(worker + 1))
            for _ in 0..<40 {
                let w = Int.random(in: 1...200, using: &rng), h = Int.random(in: 1...200, using: &rng)
                let window = Window(x: Int.random(in: 0...(width - w), using: &rng), y: Int.random(in: 0...(height - h), using: &rng),
                                    width: w, height: h)
                let bands = [[1, 2, 3, 4], [4], [2, 3]][Int.random(in: 0...2, using: &rng)]
                do {
                    let got = try pool.withRaster { try $0.read(window, bands: bands, as: UInt16.self) }
                    let want = TestRasters.expected(width: width, height: height, bands: bands, window: window).map { UInt16($0) }
                    if got != want { mismatches.add(1, ordering: .relaxed) }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(pool.handleCount >= 1 && pool.handleCount <= threads)
    }

    @Test func poolReportsBadFilesAtCreation() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: RasterError.self) { try RasterReaderPool(path: dir.file("missing.tif")) }
        #expect(error?.kind == .notFound)
    }
}
