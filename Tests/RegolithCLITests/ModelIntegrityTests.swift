import Foundation
import Testing
import TestSupport

/// Issue 14, items 2 and 4: a resumed run notices a changed model or changed samples by content,
/// and a model folder is never a mix of two trainings, even when `train` dies while writing it.
@Suite("Model folders and content signatures")
struct ModelIntegrityTests {
    static let sampleSet = ModelCommandTests.sampleSet

    /// Starts `regolith` with every tile slowed down, waits until `journal` records a finished tile,
    /// and kills it with SIGKILL. True when the kill landed mid-run (not after the run ended).
    static func killOnceATileIsJournalled(_ arguments: [String], journal: String) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ChildProcess.regolith)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["REGOLITH_TEST_TILE_DELAY": "0.2"]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline {
            if let text = try? String(contentsOfFile: journal, encoding: .utf8), text.contains("\ndone ") { break }
            usleep(5_000)
        }
        guard process.isRunning else { return false }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }

    static func train(_ out: String, seed: Int) throws {
        let train = try ChildProcess.regolith(["train", sampleSet, "--out", out, "--iterations", "300", "--folds", "3",
                                               "--seed", "\(seed)", "--quiet"])
        #expect(train.status == 0, "\(train.stderr)")
    }

    static func bytes(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
    }

    @Test func aModelRetrainedInPlaceIsNotResumed() throws {
        let dir = try TemporaryDirectory()
        let (model, reflectance) = try ModelCommandTests.trained(dir)
        let weights = (model as NSString).appendingPathComponent("model.safetensors")
        let weightBytes = try Self.bytes(weights)
        let output = dir.file("content.tif"), journal = dir.file("content.partial.tif.journal")
        // --everywhere: no domain in the command either (the old signature held the domain's threshold).
        let invert = ["invert", model, reflectance, "--out", output, "--tile-size", "256", "--threads", "1", "--checkpoint-seconds", "0",
                      "--everywhere"]
        try #require(try Self.killOnceATileIsJournalled(invert, journal: journal), "the run ended before it could be killed")

        // The same network trained again with another seed: weights of the very same byte size,
        // which the old signature (folder name, weights' size, preset) took for the same model.
        try Self.train(model, seed: 2)
        #expect(try Self.bytes(weights) == weightBytes)
        let refused = try ChildProcess.regolith(invert)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the model (\(model)) changed since the interrupted run") && refused.stderr.contains("--restart"),
                "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))

        // An unchanged model resumes: the digest is of the content, the same on every run.
        var again = invert
        again[again.firstIndex(of: output)!] = dir.file("again.tif")
        try #require(try Self.killOnceATileIsJournalled(again, journal: dir.file("again.partial.tif.journal")),
                     "the run ended before it could be killed")
        let resumed = try ChildProcess.regolith(again)
        #expect(resumed.status == 0 && resumed.stderr.contains("resuming"), "\(resumed.stderr)")
    }

    @Test func aModelFolderMixedFromTwoTrainingsIsRefused() throws {
        let dir = try TemporaryDirectory()
        let (first, reflectance) = try ModelCommandTests.trained(dir)
        try Self.train(dir.file("second"), seed: 2)
        for file in ["model.safetensors", "domain.json"] {
            let mixed = dir.file("mixed-\(file)")
            try FileManager.default.copyItem(atPath: first, toPath: mixed)
            try FileManager.default.removeItem(atPath: mixed + "/" + file)
            try FileManager.default.copyItem(atPath: dir.file("second/\(file)"), toPath: mixed + "/" + file)
            let result = try ChildProcess.regolith(["invert", mixed, reflectance, "--out", dir.file("content-\(file).tif"), "--quiet"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(mixed)/\(file)") && result.stderr.contains("two trainings"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.file("content-\(file).tif")))
        }
        let whole = try ChildProcess.regolith(["invert", first, reflectance, "--out", dir.file("content.tif"), "--quiet"])
        #expect(whole.status == 0, "\(whole.stderr)")
    }

    /// `train` dies, or fails with an error, while it writes the weights over an existing model:
    /// a file size limit of 10 KiB (RLIMIT_FSIZE) lets `model.json` (about 6 KiB) through and stops
    /// `model.safetensors` (about 18 KiB) midway — the full disk of the issue. With SIGXFSZ at its
    /// default the process dies there; with it ignored the write fails (EFBIG) and `train` exits 1.
    /// The old folder stays whole, byte for byte.
    @Test(arguments: [true, false])
    func aTrainThatFailsMidwayLeavesTheOldFolderWhole(killed: Bool) throws {
        let dir = try TemporaryDirectory()
        let model = dir.file("model")
        try Self.train(model, seed: 1)
        let before = try filesUnder(model)
        let arguments = ["train", Self.sampleSet, "--out", model, "--iterations", "300", "--folds", "3", "--seed", "2", "--quiet"]
        // Python sets the limit and the signal's disposition and mask (the test runner's child
        // processes inherit SIGXFSZ blocked, which a shell cannot undo), then becomes `regolith`.
        let script = """
            import os, resource, signal, sys
            resource.setrlimit(resource.RLIMIT_FSIZE, (10240, 10240))
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL if sys.argv[1] == "killed" else signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGXFSZ])
            os.execv(sys.argv[2], sys.argv[2:])
            """
        let python = try #require(ChildProcess.which("python3"))
        let failed = try ChildProcess.run(python, ["-c", script, killed ? "killed" : "failed", try ChildProcess.regolith] + arguments)
        #expect(killed ? failed.status == SIGXFSZ : failed.status == 1 && failed.stderr.contains("File too large"),
                "\(failed.status) \(failed.stderr)")
        #expect(try filesUnder(model) == before)
        let siblings = dir.contents().filter { $0 != "model" }
        if killed {
            // The dead writer's temporary sibling stays until the next `train` into the folder.
            #expect(siblings.count == 1 && siblings[0].hasPrefix("model.partial-"), "\(siblings)")
            try Self.train(model, seed: 2)
            #expect(dir.contents() == ["model"])
            #expect(try filesUnder(model)["model.safetensors"] != before["model.safetensors"])
        } else {
            #expect(siblings.isEmpty, "\(siblings)")
        }
    }

    /// A `train` killed between moving the old folder aside and moving the new one in leaves no
    /// folder at the model's path and the old one at `model.previous`: `invert` puts it back.
    @Test func aSwapInterruptedBetweenItsRenamesIsRecovered() throws {
        let dir = try TemporaryDirectory()
        let (model, reflectance) = try ModelCommandTests.trained(dir)
        let before = try filesUnder(model)
        #expect(rename(model, dir.file("model.previous")) == 0)
        let result = try ChildProcess.regolith(["invert", model, reflectance, "--out", dir.file("content.tif"), "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try filesUnder(model) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.file("model.previous")))
    }

    /// The old signature took the samples' count and sum: two samples' values swapped kept both.
    @Test func krigingResumesOnlyWithTheSameSamples() throws {
        let dir = try TemporaryDirectory()
        try TestRasters.write(dir.file("like.tif"), width: 768, height: 768, bands: 1)
        let samples = dir.file("samples.csv")
        _ = try KrigeCommandTests.writeSamples(samples)
        let krige = ["krige", samples, "--like", dir.file("like.tif"), "--out", dir.file("map.tif"), "--model", "sph",
                     "--tile-size", "256", "--threads", "1", "--checkpoint-seconds", "0"]
        try #require(try Self.killOnceATileIsJournalled(krige, journal: dir.file("map.partial.tif.journal")),
                     "the run ended before it could be killed")

        var lines = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        (lines[1][3], lines[2][3]) = (lines[2][3], lines[1][3])
        try (lines.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n").write(toFile: samples, atomically: true, encoding: .utf8)
        let refused = try ChildProcess.regolith(krige)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("the samples (\(samples)) changed since the interrupted run"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        let restarted = try ChildProcess.regolith(krige + ["--restart", "--quiet"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
    }
}
