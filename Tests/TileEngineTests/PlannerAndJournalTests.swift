import Foundation
import Testing
import RasterIO
import TestSupport
@testable import TileEngine

@Suite("Planner, sizes, journal, histogram")
struct PlannerAndJournalTests {
    @Test func sizesParseLikeUsersWriteThem() {
        #expect(ByteSize.parse("256MiB") == 256 << 20)
        #expect(ByteSize.parse("2GiB") == 2 << 30)
        #expect(ByteSize.parse("512M") == 512 << 20)
        #expect(ByteSize.parse("1.5G") == 3 << 29)
        #expect(ByteSize.parse("1048576") == 1 << 20)
        #expect(ByteSize.parse("lots") == nil && ByteSize.parse("-1MiB") == nil && ByteSize.parse("3 parsecs") == nil)
        // Beyond any machine: refused, not trapped on.
        #expect(ByteSize.parse("99999999999GiB") == nil && ByteSize.parse("1e400") == nil && ByteSize.parse("9999999999999999999999") == nil)
    }

    /// A kernel's per-thread and shared scratch take room from the tiles: what fitted without them
    /// gets smaller tiles or is refused with them.
    @Test func kernelScratchIsPlannedFor() throws {
        func plan(perThread: Int, shared: Int) throws -> TilePlan {
            try TilePlanner.plan(budget: 256 << 20, baseline: 70 << 20, threads: 2, halo: 0, inputBands: 0, outputBands: 1,
                                 scratchBytesPerThread: perThread, sharedScratchBytes: shared, sceneWidth: 7300, sceneHeight: 6900)
        }
        let plain = try plan(perThread: 0, shared: 0)
        let withScratch = try plan(perThread: 40 << 20, shared: 30 << 20)
        #expect(withScratch.tileSize < plain.tileSize)
        let refused = #expect(throws: PlanningError.self) { try plan(perThread: 80 << 20, shared: 0) }
        #expect(refused?.description.contains("--memory 256 MiB is too small") == true)
    }

    /// Every reading thread holds a decoded block of each file it reads. A file in pixel-interleaved
    /// strips 512 rows high across 8000 pixels (4 bands of UInt16: 31.25 MiB a strip, as some ground
    /// segments deliver images) shrinks the tiles at 200 MiB and is refused at 160 MiB, naming the
    /// file; a file in 256-pixel tiles costs 128 KiB a thread and changes nothing.
    @Test func sourceBlocksHeldByEveryReaderArePlannedFor() throws {
        let dir = try TemporaryDirectory()
        func write(_ name: String, strips: Bool) throws -> String {
            var options = GeoTIFFOptions()
            options.tileSize = strips ? 512 : 256
            options.pixelInterleavedStrips = strips
            let spec = RasterSpec(width: 8000, height: 1024, bandCount: 4, pixelType: .uint16, nodata: 0)
            // No pixels written: the block shape is all the planner reads.
            let output = try GeoTIFFOutput(creating: dir.file(name), spec: spec, options: options)
            try output.commit()
            return dir.file(name)
        }
        let stripped = try write("strips.tif", strips: true), tiled = try write("tiled.tif", strips: false)
        let stripBlocks = try RasterSource.file(stripped).decodedBlocks(view: Raster.open(stripped))
        #expect(stripBlocks.map(\.bytes) == [8000 * 512 * 4 * 2])
        let tileBlocks = try RasterSource.file(tiled).decodedBlocks(view: Raster.open(tiled))
        #expect(tileBlocks.map(\.bytes) == [256 * 256 * 2])

        func plan(budget: Int, blocks: [DecodedBlock]) throws -> TilePlan {
            try TilePlanner.plan(budget: budget << 20, baseline: 70 << 20, threads: 2, halo: 0, inputBands: 4, outputBands: 4,
                                 sourceBlocks: blocks, sceneWidth: 7300, sceneHeight: 6900)
        }
        let plain = try plan(budget: 200, blocks: [])
        #expect(try plan(budget: 200, blocks: tileBlocks).tileSize == plain.tileSize)
        let shrunk = try plan(budget: 200, blocks: stripBlocks)
        #expect(shrunk.tileSize < plain.tileSize && shrunk.sourceBlockBytesPerThread == stripBlocks[0].bytes)
        #expect(try plan(budget: 160, blocks: []).tileSize == plain.tileSize)
        let refused = #expect(throws: PlanningError.self) { try plan(budget: 160, blocks: stripBlocks) }
        #expect(refused?.description.contains("too small for the blocks its sources decode") == true, "\(refused.map(String.init(describing:)) ?? "")")
        #expect(refused?.description.contains("\(stripped) (blocks 8000×512, 4 bands of 2 bytes)") == true)
    }

    /// A kernel whose values depend on an alignment the tiles cannot keep is refused before any work.
    @Test func tileAlignmentIsAPreconditionOfThePlan() throws {
        for alignment in [1, 16, 128, 256] {
            #expect(try TilePlanner.plan(budget: 1 << 30, baseline: 70 << 20, threads: 2, halo: 0, inputBands: 1, outputBands: 1,
                                         tileAlignment: alignment, sceneWidth: 7300, sceneHeight: 6900).tileSize % alignment == 0)
        }
        for alignment in [0, 96, 512] {
            #expect(throws: PlanningError.self) {
                try TilePlanner.plan(budget: 1 << 30, baseline: 70 << 20, threads: 2, halo: 0, inputBands: 1, outputBands: 1,
                                     tileAlignment: alignment, sceneWidth: 7300, sceneHeight: 6900)
            }
        }
    }

    @Test func planFitsTheBudget() throws {
        let plan = try TilePlanner.plan(budget: 256 << 20, baseline: 70 << 20, threads: 2, halo: 0, inputBands: 2,
                                        outputBands: 1, sceneWidth: 7300, sceneHeight: 6900)
        #expect(plan.tileSize % 256 == 0 && plan.tileSize >= 256)
        #expect(plan.baseline + plan.tilesInFlight * plan.bytesPerTile + 2 * plan.cacheBytes + 2 * TilePlanner.codecBytesPerThread <= plan.budget)
        let roomy = try TilePlanner.plan(budget: 4 << 30, baseline: 70 << 20, threads: 2, halo: 2, inputBands: 4,
                                         outputBands: 4, sceneWidth: 7300, sceneHeight: 6900)
        #expect(roomy.tileSize >= plan.tileSize)
    }

    @Test func impossibleBudgetsAreRefusedWithTheReason() {
        let tooSmall = #expect(throws: PlanningError.self) {
            try TilePlanner.plan(budget: 80 << 20, baseline: 70 << 20, threads: 2, halo: 0, inputBands: 4,
                                 outputBands: 1, sceneWidth: 7300, sceneHeight: 6900)
        }
        #expect(tooSmall?.description.contains("--memory 80 MiB is too small") == true)
        let tileTooBig = #expect(throws: PlanningError.self) {
            try TilePlanner.plan(budget: 256 << 20, baseline: 70 << 20, threads: 2, halo: 0, inputBands: 4,
                                 outputBands: 1, sceneWidth: 7300, sceneHeight: 6900, requestedTileSize: 4096)
        }
        #expect(tileTooBig?.description.contains("--tile-size 4096 does not fit") == true)
        #expect(throws: PlanningError.self) {
            try TilePlanner.plan(budget: 1 << 30, baseline: 70 << 20, threads: 1, halo: 0, inputBands: 1,
                                 outputBands: 1, sceneWidth: 100, sceneHeight: 100, requestedTileSize: 300)
        }
    }

    @Test func journalResumesOnlyTheSameCommandAndIgnoresATornLine() throws {
        let dir = try TemporaryDirectory()
        let input = try TestRasters.write(dir.file("in.tif"), width: 32, height: 32, bands: 1)
        let signature = try RunSignature(kernel: "ndvi", input: input, tileSize: 256, blockSize: 256)
        do {
            let journal = try TileJournal(path: dir.file("j"), signature: signature)
            try journal.record([0, 3])
            try journal.record([5])
        }
        // A kill in the middle of a write leaves a torn line.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.file("j")))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("done 7 8".utf8))
        try handle.close()
        let resumed = try TileJournal(path: dir.file("j"), signature: signature)
        #expect(resumed.finished == [0, 3, 5])
        try resumed.record([9])
        #expect(try TileJournal(path: dir.file("j"), signature: signature).finished == [0, 3, 5, 9])

        let other = try RunSignature(kernel: "ndwi", input: input, tileSize: 256, blockSize: 256)
        let refused = #expect(throws: TileJournal.Mismatch.self) { try TileJournal(path: dir.file("j"), signature: other) }
        #expect(refused?.description.contains("the operation differs") == true)
        #expect(refused?.description.contains("--restart") == true)
        let retiled = try RunSignature(kernel: "ndvi", input: input, tileSize: 512, blockSize: 512)
        let message = #expect(throws: TileJournal.Mismatch.self) { try TileJournal(path: dir.file("j"), signature: retiled) }
        #expect(message?.description.contains("pass --tile-size 256") == true)
    }

    /// A scene behind a symbolic link is signed by the file it points to: a different target (or a
    /// rewritten one) refuses to resume, while the link itself never changed.
    @Test func aSymlinkedInputIsSignedByItsTarget() throws {
        let dir = try TemporaryDirectory()
        let first = try TestRasters.write(dir.file("first.tif"), width: 32, height: 32, bands: 1)
        let second = try TestRasters.write(dir.file("second.tif"), width: 64, height: 32, bands: 1)
        let link = dir.file("scene.tif")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: first)
        let before = try RunSignature(kernel: "ndvi", input: link, tileSize: 256, blockSize: 256)
        let target = try FileManager.default.attributesOfItem(atPath: first)
        #expect(before.inputBytes == target[.size] as? Int)
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: second)
        let after = try RunSignature(kernel: "ndvi", input: link, tileSize: 256, blockSize: 256)
        #expect(after.difference(from: before)?.contains("has changed since") == true)
        #expect(after.input == before.input, "the path recorded is the one the user gave")
    }

    @Test func histogramPercentilesOverScenes() throws {
        let dir = try TemporaryDirectory()
        let a = try TestRasters.writeScene(dir.file("a.tif"), width: 300, height: 200, bands: 2)
        let b = try TestRasters.writeScene(dir.file("b.tif"), width: 250, height: 220, bands: 2)
        let result = try StatisticsPass.histograms(paths: [a, b], bins: 999, threads: 2)
        var values: [Double] = []
        for path in [a, b] {
            let raster = try RasterIO.Raster.open(path)
            values += try raster.read(raster.fullWindow, bands: [1], as: UInt16.self).filter { $0 != 0 }.map(Double.init)
        }
        values.sort()
        #expect(result[0].statistics.count == values.count && result[0].histogram.total == values.count)
        for p in [1.0, 50, 99] {
            let exact = values[min(values.count - 1, Int(p / 100 * Double(values.count)))]
            let estimate = try #require(result[0].histogram.percentile(p))
            #expect(abs(estimate - exact) <= 1.5 * result[0].histogram.binWidth + 1, "p\(p): \(estimate) vs \(exact)")
        }
    }
}
