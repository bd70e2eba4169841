import Foundation

/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON
/// header mapping tensor names to `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into
/// the data that follows) plus optional `"__metadata__"` strings, then the raw little-endian data.
/// Regolith reads and writes float32 ("F32") tensors only.
public enum Safetensors {
    public struct Tensor: Sendable, Hashable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) { self.shape = shape; self.values = values }
    }

    /// Header lengths above this are taken as corruption, not as a header to allocate.
    static let largestHeader = 100_000_000

    /// Encodes `tensors` (written in the given order) with optional string metadata.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) -> Data {
        var entries: [String] = []
        var offset = 0
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for (name, tensor) in tensors {
            let bytes = tensor.values.count * 4
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }  // pad with spaces, as the reference writer does
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, tensor) in tensors {
            for value in tensor.values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        return data
    }

    /// Decodes every tensor of `data`; `file` names the source in errors.
    public static func decode(_ data: Data, file: String) throws(ModelFileError) -> (tensors: [String: Tensor], metadata: [String: String]) {
        func fail(_ problem: String) -> ModelFileError { ModelFileError(file: file, problem: problem) }
        guard data.count >= 8 else { throw fail("truncated: \(data.count) bytes, shorter than the 8-byte header length") }
        let bytes = [UInt8](data)
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(bytes.count - 8), headerLength <= UInt64(largestHeader) else {
            throw fail("header length \(headerLength) runs past the end of the file (\(bytes.count) bytes)")
        }
        let dataStart = 8 + Int(headerLength)
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])),
              let header = object as? [String: Any] else { throw fail("header is not a JSON object") }
        var metadata: [String: String] = [:]
        if let raw = header["__metadata__"] {
            guard let strings = raw as? [String: String] else { throw fail("\"__metadata__\" is not a map of strings") }
            metadata = strings
        }
        let payload = bytes.count - dataStart
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shapeNumbers = entry["shape"] as? [NSNumber],
                  let offsetNumbers = entry["data_offsets"] as? [NSNumber], offsetNumbers.count == 2 else {
                throw fail("tensor \"\(name)\" lacks dtype, shape or data_offsets")
            }
            guard dtype == "F32" else { throw fail("tensor \"\(name)\" has dtype \(dtype); Regolith reads F32 only") }
            guard let shape = wholeNumbers(shapeNumbers), let offsets = wholeNumbers(offsetNumbers) else {
                throw fail("tensor \"\(name)\" has a shape or data_offsets that are not whole numbers")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor \"\(name)\" has a negative dimension in \(shape)") }
            // The values must fit in the file, so a shape whose size overflows is corrupt, not big.
            guard let count = shape.checkedProduct, count <= payload / 4 else {
                throw fail("tensor \"\(name)\" of shape \(shape) holds more float32 values than the file's \(payload) data bytes")
            }
            guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == count * 4 else {
                throw fail("tensor \"\(name)\" data_offsets \(offsets) do not hold \(count) float32 values of shape \(shape)")
            }
            guard offsets[1] <= payload else {
                throw fail("truncated: tensor \"\(name)\" ends at data byte \(offsets[1]) but the data has \(payload) bytes")
            }
            var values = [Float](repeating: 0, count: count)
            for index in 0..<count {
                let at = dataStart + offsets[0] + index * 4
                let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                values[index] = Float(bitPattern: bits)
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        return (tensors, metadata)
    }

    /// The integers of a JSON array, or nil when one is fractional or beyond `Int`.
    private static func wholeNumbers(_ numbers: [NSNumber]) -> [Int]? {
        var values: [Int] = []
        for number in numbers {
            // An integer keeps all its digits in its text; others are checked as doubles.
            if let value = Int(number.stringValue) {
                values.append(value)
            } else if let value = Int(exactly: number.doubleValue) {
                values.append(value)
            } else {
                return nil
            }
        }
        return values
    }

    private static func jsonString(_ text: String) -> String {
        String(data: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]), encoding: .utf8)!
            .dropFirst().dropLast().description
    }
}
