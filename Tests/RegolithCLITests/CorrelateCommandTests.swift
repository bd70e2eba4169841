import Foundation
import Testing
import TestSupport

@Suite("regolith correlate")
struct CorrelateCommandTests {
    @Test func tableThreeFromAScreeningTable() throws {
        let dir = try TemporaryDirectory()
        let result = try ChildProcess.regolith(["correlate", Fixtures.path("reference/correlation-data.csv"),
                                                "--json", dir.file("t.json"), "--csv", dir.file("t.csv")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("n = 374"))
        #expect(result.stdout.contains("b3") && result.stdout.contains("-0.348 **"), "\(result.stdout)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("t.json")))) as! [String: Any]
        let rows = json["rows"] as! [[String: Any]]
        #expect(rows.map { $0["column"] as? String } == ["b1", "b2", "b3", "b4"])
        let scipy = try Fixtures.csv("reference/correlation-scipy.csv")
        for (row, reference) in zip(rows, scipy) {
            // Measured in-process (CorrelationTests): ≤ 2.8e-17; JSON round-trips a Double exactly.
            #expect(abs((row["spearmanRho"] as! Double) - Double(reference["spearman_rho"]!)!) < 1e-15)
        }
        let csv = try String(contentsOfFile: dir.file("t.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("column,n,spearman_rho,spearman_p,pearson_r,pearson_p,note\nb1,374,"))
    }

    @Test func constantColumnIsUndefinedAndBadValuesNameTheLine() throws {
        let dir = try TemporaryDirectory()
        try "id,re2o3,b1,b2\nA,1.0,5,3\nB,2.0,5,4\nC,3.5,5,2\nD,0.5,5,9\n".write(toFile: dir.file("const.csv"), atomically: true, encoding: .utf8)
        let constant = try ChildProcess.regolith(["correlate", dir.file("const.csv")])
        #expect(constant.status == 0)
        #expect(constant.stdout.contains("b1") && constant.stdout.contains("undefined: b1 is constant"), "\(constant.stdout)")
        try "id,re2o3,b1\nA,1.0,5\nB,two,6\nC,3.0,7\n".write(toFile: dir.file("bad.csv"), atomically: true, encoding: .utf8)
        let bad = try ChildProcess.regolith(["correlate", dir.file("bad.csv")])
        #expect(bad.status == 1)
        #expect(bad.stderr == "regolith: \(dir.file("bad.csv")):3: column 're2o3' (field 2) is 'two', not a number\n", "\(bad.stderr)")
        let missing = try ChildProcess.regolith(["correlate", dir.file("bad.csv"), "--target", "cu"])
        #expect(missing.status == 1 && missing.stderr.contains("no column 'cu'"))
    }
}
