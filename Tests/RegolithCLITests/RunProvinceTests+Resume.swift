import Foundation
import RasterIO
import Testing
import TestSupport

/// A region run killed after its mosaic and content map (as a Slurm region job at its time limit)
/// resumes when started again, without `--restart`: the finished rasters made from the same inputs
/// are kept, the model is trained again to the same coefficients, and the interrupted raster resumes.
extension RunProvinceTests {
    @Test("a region run killed while flagging its map resumes without --restart to the rasters of an uninterrupted run")
    func aKilledRegionRunResumes() throws {
        let runs = try Self.runs.get()
        let folder = "\(runs.province)/run-killed", configuration = "\(runs.province)/killed.yml"
        try Self.configuration(Self.regionConfiguration, out: folder).write(toFile: configuration, atomically: true, encoding: .utf8)
        // Killed (SIGKILL) once the flags' partial raster and journal exist: the region grid has 4
        // tiles, too few to catch it with tiles journaled, and the refusal this tests came before any.
        let journal = "\(folder)/content-range.partial.tif.journal"
        let child = try SpawnedProcess([try ChildProcess.regolith, "run", configuration, "--quiet"], environment: ["REGOLITH_TEST_TILE_DELAY": "0.5"],
                                       output: "/dev/null", errors: "/dev/null")
        let deadline = Date().addingTimeInterval(240)
        while !FileManager.default.fileExists(atPath: journal) && !child.exited && Date() < deadline { usleep(5_000) }
        kill(child.pid, SIGKILL)
        child.wait()
        try #require(child.terminatingSignal == SIGKILL && FileManager.default.fileExists(atPath: journal), "the run ended, or made no flags, before the kill")
        let kept = ["mosaic.tif", "content.tif"]
        let modified = try kept.map { try FileManager.default.attributesOfItem(atPath: "\(folder)/\($0)")[.modificationDate] as? Date }
        let resumed = try ChildProcess.regolith(["run", configuration, "--quiet"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // The finished rasters were kept, not made again (the next step's partial found its input unchanged).
        let after = try kept.map { try FileManager.default.attributesOfItem(atPath: "\(folder)/\($0)")[.modificationDate] as? Date }
        #expect(after == modified, "\(kept) modified \(modified) before, \(after) after the rerun")
        for raster in ["mosaic.tif", "content.tif", "content-range.tif", "content-interval.tif", "geochem.tif", "anomaly-ranks.tif"] {
            let a = try Raster.open("\(folder)/\(raster)"), b = try Raster.open("\(runs.regionFolder)/\(raster)")
            #expect(try a.read(a.fullWindow, as: Float.self) == b.read(b.fullWindow, as: Float.self), "\(raster)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(folder)/content-range.partial.tif"))
    }
}
