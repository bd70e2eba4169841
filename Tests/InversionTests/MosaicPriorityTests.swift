import Foundation
@testable import Inversion
import Testing

/// `MosaicPriority`: products ranked by cloud cover, distance to the target date and view angle,
/// in the configured order, a missing fact last, ties by name.
@Suite("MosaicPriority: which overlapping product a mosaic pixel comes from")
struct MosaicPriorityTests {
    static func entry(_ name: String, day: Int?, cloud: Double?, view: Double?) -> ProductCatalogue.Entry {
        ProductCatalogue.Entry(path: "/p/\(name)", product: nil, name: name,
                               datetime: day.map { Date(timeIntervalSince1970: Double($0) * 86_400) },
                               cloudCover: cloud, viewAngle: view, footprint: nil, origin: "test")
    }

    static let entries = [
        entry("a", day: 10, cloud: 5, view: 2),
        entry("b", day: 20, cloud: 0, view: 6),
        entry("c", day: 30, cloud: 0, view: 1),
        entry("d", day: 40, cloud: 0, view: 4),
    ]

    @Test func ranksByTheKeysInOrder() throws {
        // Median of days 10, 20, 30, 40: day 25, which b and c are equally near; the view angle decides.
        #expect(MosaicPriority.medianDate(of: Self.entries) == Date(timeIntervalSince1970: 25 * 86_400))
        #expect(try MosaicPriority().ranking(of: Self.entries) == [2, 1, 3, 0])
        #expect(try MosaicPriority(parsing: "view,cloud,date").ranking(of: Self.entries) == [2, 0, 3, 1])
        #expect(try MosaicPriority(parsing: "date, view", targetDate: Date(timeIntervalSince1970: 12 * 86_400)).ranking(of: Self.entries) == [0, 1, 2, 3])
        #expect(try MosaicPriority(parsing: "cloud").ranking(of: Self.entries) == [1, 2, 3, 0])
    }

    @Test func missingFactsRankLastAndTiesGoByName() throws {
        let entries = [Self.entry("z", day: 1, cloud: nil, view: 1), Self.entry("y", day: 1, cloud: 3, view: 1),
                       Self.entry("x", day: 1, cloud: 3, view: 1)]
        #expect(try MosaicPriority().ranking(of: entries) == [2, 1, 0])
        let rule = try MosaicPriority().rule(for: entries)
        #expect(rule.contains("the least cloud cover, then the date nearest the target date") && rule.contains("ties by product name"))
    }

    @Test(arguments: ["", "cloud,cloud", "cloud,sun"])
    func refusesABadOrder(text: String) {
        #expect(throws: InversionError.self) { try MosaicPriority(parsing: text) }
    }
}
