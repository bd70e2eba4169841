/// Any key of a YAML mapping, known or not, so that unknown keys can be found and named.
struct AnyKey: CodingKey {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Refuses keys that `Keys` does not list, naming the nearest valid key: a misspelt
    /// `iteratons` must not silently train the default 5000 iterations.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let valid = Keys.allCases.map(\.stringValue)
        let container: KeyedDecodingContainer<AnyKey>
        do { container = try self.container(keyedBy: AnyKey.self) } catch {
            throw ConfigurationError(key: dotted(codingPath), "must be a mapping of keys (\(valid.joined(separator: ", ")))")
        }
        for key in container.allKeys where !valid.contains(key.stringValue) {
            let suggestion = NearestWord.find(key.stringValue, among: valid).map { "; did you mean '\($0)'?" } ?? "; valid keys: \(valid.joined(separator: ", "))"
            throw ConfigurationError(key: dotted(codingPath + [key]), "unknown key\(suggestion)")
        }
    }
}

/// A key path as the configuration reads: `model.iterations`, `covariates[0].path`.
func dotted(_ path: [any CodingKey]) -> String {
    path.reduce("") { text, key in
        if let index = key.intValue { return text + "[\(index)]" }
        return text.isEmpty ? key.stringValue : text + "." + key.stringValue
    }
}

/// The closest word by edit distance, if it is close enough to be a likely typo.
enum NearestWord {
    static func find(_ word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { (candidate: $0, distance: distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        return best.distance <= max(2, best.candidate.count / 3) ? best.candidate : nil
    }

    /// Levenshtein distance, one row at a time.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
