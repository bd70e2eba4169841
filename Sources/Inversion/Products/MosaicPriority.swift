import Foundation

/// Which of several overlapping products a region mosaic takes each pixel from. Products are ranked
/// once, by their catalogue facts, and every pixel comes from the best-ranked product with data
/// there: by default the least cloud cover, then the date nearest the target date (by default the
/// catalogue's median date), then the smallest view angle; the order of the keys is configurable.
/// A product missing a fact ranks after those that have it on that key, and ties on every key are
/// broken by product name (then catalogue order), so the choice is reproducible.
public struct MosaicPriority: Sendable, Equatable {
    public enum Key: String, CaseIterable, Sendable, Codable {
        /// Least cloud cover (percent of the product) first.
        case cloud
        /// Acquisition nearest the target date first.
        case date
        /// Smallest view angle from the vertical first.
        case view

        var phrase: String {
            switch self {
            case .cloud: "the least cloud cover"
            case .date: "the date nearest the target date"
            case .view: "the smallest view angle"
            }
        }
    }

    public static let defaultKeys: [Key] = [.cloud, .date, .view]

    /// The keys in order of precedence, each at most once; keys left out are not compared.
    public var keys: [Key]
    /// The date `.date` measures from; nil: the catalogue's median acquisition date.
    public var targetDate: Date?

    public init(keys: [Key] = MosaicPriority.defaultKeys, targetDate: Date? = nil) throws {
        guard !keys.isEmpty else { throw InversionError("the mosaic priority names no key (give some of \(Key.allCases.map(\.rawValue).joined(separator: ",")))") }
        guard Set(keys).count == keys.count else {
            throw InversionError("the mosaic priority '\(keys.map(\.rawValue).joined(separator: ","))' names a key twice")
        }
        self.keys = keys
        self.targetDate = targetDate
    }

    /// `cloud,date,view` as a user writes it.
    public init(parsing text: String, targetDate: Date? = nil) throws {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let keys = try names.map { name in
            guard let key = Key(rawValue: name.lowercased()) else {
                throw InversionError("the mosaic priority '\(text)' has '\(name)', which is none of \(Key.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return key
        }
        try self.init(keys: keys, targetDate: targetDate)
    }

    /// The median of the entries' acquisition times (the mean of the middle two for an even count);
    /// nil when none has one.
    public static func medianDate(of entries: [ProductCatalogue.Entry]) -> Date? {
        let times = entries.compactMap { $0.datetime?.timeIntervalSince1970 }.sorted()
        guard !times.isEmpty else { return nil }
        let middle = times.count / 2
        return Date(timeIntervalSince1970: times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2)
    }

    /// The date `.date` measures from for these entries.
    public func effectiveTargetDate(for entries: [ProductCatalogue.Entry]) -> Date? {
        targetDate ?? Self.medianDate(of: entries)
    }

    /// The entries' indices, best first.
    public func ranking(of entries: [ProductCatalogue.Entry]) -> [Int] {
        let target = effectiveTargetDate(for: entries)
        func value(_ key: Key, _ entry: ProductCatalogue.Entry) -> Double? {
            switch key {
            case .cloud: entry.cloudCover
            case .date: entry.datetime.flatMap { date in target.map { abs(date.timeIntervalSince($0)) } }
            case .view: entry.viewAngle
            }
        }
        return entries.indices.sorted { a, b in
            for key in keys {
                switch (value(key, entries[a]), value(key, entries[b])) {
                case let (x?, y?) where x != y: return x < y
                case (.some, nil): return true
                case (nil, .some): return false
                default: continue
                }
            }
            if entries[a].name != entries[b].name { return entries[a].name < entries[b].name }
            return a < b
        }
    }

    /// The rule in one sentence, for the README's reader and the output's metadata.
    public func rule(for entries: [ProductCatalogue.Entry]) -> String {
        let target = effectiveTargetDate(for: entries).map { " (target date \(Self.dayFormat($0))\(targetDate == nil ? ", the products' median date" : ""))" } ?? ""
        let phrases = keys.map { $0 == .date ? $0.phrase + target : $0.phrase }
        return "each pixel from the product with data there that has \(phrases.joined(separator: ", then ")); a product without a fact ranks last on it; ties by product name"
    }

    /// A target date as a user writes it: YYYY-MM-DD, or ISO 8601 in UTC; nil when it is neither.
    public static func date(parsing text: String) -> Date? {
        (try? Date.ISO8601FormatStyle().parse(text))
            ?? (try? Date.ISO8601FormatStyle().year().month().day().parse(text))
    }

    /// "2016-11-12T03:22:19Z".
    static func dayFormat(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
