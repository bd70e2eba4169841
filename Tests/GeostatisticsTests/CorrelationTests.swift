import Foundation
import Testing
import TestSupport
@testable import Geostatistics

@Suite("Spearman and Pearson against scipy")
struct CorrelationTests {
    /// tools/reference-correlation.py: 374 rounded contents and integer DNs (many ties).
    @Test func matchesScipyOnDataWithTies() throws {
        let data = try Fixtures.csv("reference/correlation-data.csv")
        let reference = try Fixtures.csv("reference/correlation-scipy.csv")
        let content = data.map { Double($0["re2o3"]!)! }
        #expect(content.count == 374)
        #expect(Set(content).count < 200, "the data must have ties")
        for row in reference {
            let band = data.map { Double($0[row["band"]!]!)! }
            let spearman = try Correlation.spearman(content, band)
            let pearson = try Correlation.pearson(content, band)
            // Measured: coefficients ≤ 9.7e-17 apart, p-values ≤ 1.1e-13 relative.
            #expect(abs(spearman.coefficient - Double(row["spearman_rho"]!)!) < 1e-15)
            #expect(abs(pearson.coefficient - Double(row["pearson_r"]!)!) < 1e-15)
            #expect(abs(spearman.pValue / Double(row["spearman_p"]!)! - 1) < 1e-12, "\(spearman.pValue) vs \(row["spearman_p"]!)")
            #expect(abs(pearson.pValue / Double(row["pearson_p"]!)! - 1) < 1e-12, "\(pearson.pValue) vs \(row["pearson_p"]!)")
        }
    }

    /// The paper's Table 3: rho = −0.136 at n = 374 gives p = 0.008 (two-sided), −0.100 gives 0.054
    /// (the paper prints rho to three decimals, so p agrees to about ±0.001).
    @Test func paperTableThreePValues() {
        #expect(abs(Correlation.twoSidedP(r: -0.136, n: 374) - 0.008) < 0.001)
        #expect(abs(Correlation.twoSidedP(r: -0.148, n: 374) - 0.004) < 0.001)
        #expect(abs(Correlation.twoSidedP(r: -0.100, n: 374) - 0.054) < 0.001)
    }

    @Test func averageRanksForTies() {
        #expect(Correlation.averageRanks([10, 20, 20, 5, 20]) == [2, 4, 4, 1, 4])
    }

    @Test func constantColumnIsUndefinedNotZero() {
        #expect(throws: CorrelationError.constant("band 1")) {
            try Correlation.spearman([1, 2, 3, 4], [7, 7, 7, 7], names: ("re2o3", "band 1"))
        }
        #expect(throws: CorrelationError.tooFewValues(2)) { try Correlation.pearson([1, 2], [3, 4]) }
        #expect(throws: CorrelationError.notFinite("x", index: 1)) { try Correlation.pearson([1, .nan, 3], [3, 4, 5]) }
    }
}
