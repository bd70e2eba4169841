import Foundation
import RasterIO
import Testing
import TestSupport

@Suite struct OutputOwnershipTests {
    @Test func aSecondLockOnTheSameOutputIsRefusedNamingTheHolder() throws {
        let dir = try TemporaryDirectory()
        let output = dir.file("map.tif")
        let first = try OutputLock.acquire(output: output)
        let refusal = #expect(throws: RasterError.self) { try OutputLock.acquire(output: output) }
        #expect(refusal?.description.contains("another run is writing this output (pid \(getpid()) on ") == true)
        #expect(refusal?.description.hasPrefix(output) == true)
        first.release()
        #expect(!FileManager.default.fileExists(atPath: first.path), "the lock file goes with its run")
        let again = try OutputLock.acquire(output: output)
        again.release()
    }

    /// A dead run leaves its lock file with its name in it, but no lock: the next run takes it over.
    @Test func aStaleLockFileIsTakenOver() throws {
        let dir = try TemporaryDirectory()
        let output = dir.file("map.tif")
        let lockFile = dir.file("map.partial.tif.lock")
        try "pid 99999 on elsewhere since 2020-01-01T00:00:00Z: regolith ndvi\n".write(toFile: lockFile, atomically: false, encoding: .utf8)
        let lock = try OutputLock.acquire(output: output)
        #expect(lock.path == lockFile)
        #expect(try String(contentsOfFile: lockFile, encoding: .utf8).hasPrefix("pid \(getpid()) "))
        lock.release()
    }

    @Test func outputsThatAreInputsAreRefused() throws {
        let dir = try TemporaryDirectory()
        let scene = dir.file("scene.tiff")
        try Data("x".utf8).write(to: URL(fileURLWithPath: scene))
        try FileManager.default.createSymbolicLink(atPath: dir.file("link.tiff"), withDestinationPath: scene)
        try FileManager.default.linkItem(atPath: scene, toPath: dir.file("hard.tiff"))
        try FileManager.default.createDirectory(atPath: dir.file("sub"), withIntermediateDirectories: true)
        let spellings = [scene, dir.file("link.tiff"), dir.file("hard.tiff"), dir.file("sub/../scene.tiff"), dir.path + "/./scene.tiff"]
        for spelling in spellings {
            let error = #expect(throws: OutputPaths.Collision.self) {
                try OutputPaths.check(outputs: [(spelling, .file)], inputs: [scene])
            }
            #expect(error?.description.contains("is also an input") == true, "\(spelling)")
        }
        #expect(throws: OutputPaths.Collision.self) {
            try OutputPaths.check(outputs: [(dir.file("a.tif"), .file), (dir.file("sub/../a.tif"), .file)], inputs: [scene])
        }
        let holds = #expect(throws: OutputPaths.Collision.self) {
            try OutputPaths.check(outputs: [(dir.path, .folder)], inputs: [scene])
        }
        #expect(holds?.description.contains("holds the input") == true)
        let folderAsFile = #expect(throws: OutputPaths.Collision.self) {
            try OutputPaths.check(outputs: [(dir.file("sub"), .file)], inputs: [scene])
        }
        #expect(folderAsFile?.description.contains("is a folder") == true)
        #expect(throws: OutputPaths.Collision.self) { try OutputPaths.check(outputs: [(scene, .folder)], inputs: []) }
        try OutputPaths.check(outputs: [(dir.file("out.tif"), .file), (dir.file("other"), .folder)], inputs: [scene])
    }
}

@Suite struct DurableFileTests {
    /// Written whole under our own temporary name: nothing else appears in the folder (Foundation's
    /// `createFile` leaves `.dat.nosync…` files when killed), and a leftover of a killed write is replaced.
    @Test func writesWholeAndLeavesNoStrayFiles() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("run.journal")
        try Data("torn".utf8).write(to: URL(fileURLWithPath: path + ".writing"))
        try DurableFile.write(Data("header\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "header\n")
        #expect(dir.contents() == ["run.journal"])
        DurableFile.remove(path)
        #expect(dir.contents().isEmpty)
    }
}
