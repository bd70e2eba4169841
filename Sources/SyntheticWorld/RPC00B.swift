import Foundation
import Geostatistics

/// Rational polynomial coefficients in the RPC00B form GDAL reads (`.rpb`, metadata domain `RPC`):
/// line and sample (pixel centres at whole numbers) as ratios of cubic polynomials of normalised
/// longitude L, latitude P and height H, terms in the order 1, L, P, H, LP, LH, PH, L², P², H², PLH,
/// L³, LP², LH², L²P, P³, PH², L²H, P²H, H³.
public struct RPC00B: Sendable, Codable, Equatable {
    public var lineOffset: Double, sampleOffset: Double
    public var latitudeOffset: Double, longitudeOffset: Double, heightOffset: Double
    public var lineScale: Double, sampleScale: Double
    public var latitudeScale: Double, longitudeScale: Double, heightScale: Double
    public var lineNumerator: [Double], lineDenominator: [Double]
    public var sampleNumerator: [Double], sampleDenominator: [Double]

    /// The denominator of an RPC without a projective term: 1.
    public static let unitDenominator = [1.0] + [Double](repeating: 0, count: 19)

    /// Coefficient lists shorter than 20 are the leading terms, the rest zero.
    public init(lineOffset: Double, sampleOffset: Double, latitudeOffset: Double, longitudeOffset: Double, heightOffset: Double,
                lineScale: Double, sampleScale: Double, latitudeScale: Double, longitudeScale: Double, heightScale: Double,
                lineNumerator: [Double], lineDenominator: [Double] = RPC00B.unitDenominator,
                sampleNumerator: [Double], sampleDenominator: [Double] = RPC00B.unitDenominator) {
        func twenty(_ c: [Double]) -> [Double] { Array((c + [Double](repeating: 0, count: max(0, 20 - c.count))).prefix(20)) }
        (self.lineOffset, self.sampleOffset) = (lineOffset, sampleOffset)
        (self.latitudeOffset, self.longitudeOffset, self.heightOffset) = (latitudeOffset, longitudeOffset, heightOffset)
        (self.lineScale, self.sampleScale) = (lineScale, sampleScale)
        (self.latitudeScale, self.longitudeScale, self.heightScale) = (latitudeScale, longitudeScale, heightScale)
        (self.lineNumerator, self.lineDenominator) = (twenty(lineNumerator), twenty(lineDenominator))
        (self.sampleNumerator, self.sampleDenominator) = (twenty(sampleNumerator), twenty(sampleDenominator))
    }

    /// The 20 RPC00B terms of normalised (L, P, H).
    @inline(__always)
    static func terms(_ l: Double, _ p: Double, _ h: Double) -> [Double] {
        [1, l, p, h, l * p, l * h, p * h, l * l, p * p, h * h, p * l * h,
         l * l * l, l * p * p, l * h * h, l * l * p, p * p * p, p * h * h, l * l * h, p * p * h, h * h * h]
    }

    /// Image position (sample, line) of a ground point (degrees, metres).
    public func image(longitude: Double, latitude: Double, height: Double) -> (sample: Double, line: Double) {
        let t = Self.terms((longitude - longitudeOffset) / longitudeScale, (latitude - latitudeOffset) / latitudeScale,
                           (height - heightOffset) / heightScale)
        func ratio(_ numerator: [Double], _ denominator: [Double]) -> Double {
            var n = 0.0, d = 0.0
            for k in 0..<20 {
                n += numerator[k] * t[k]
                d += denominator[k] * t[k]
            }
            return n / d
        }
        return (ratio(sampleNumerator, sampleDenominator) * sampleScale + sampleOffset,
                ratio(lineNumerator, lineDenominator) * lineScale + lineOffset)
    }

    /// A ground point and where the camera sees it.
    public struct Observation: Sendable {
        public var longitude: Double, latitude: Double, height: Double
        public var sample: Double, line: Double

        public init(longitude: Double, latitude: Double, height: Double, sample: Double, line: Double) {
            self.longitude = longitude
            self.latitude = latitude
            self.height = height
            self.sample = sample
            self.line = line
        }
    }

    /// Fits terrain-dependent cubic RPCs to observations by linear least squares (normal equations,
    /// solved by the package's dense solver). The denominators are fixed at 1: a camera without a
    /// projective term (as `L1AGeometry` is) needs none, and free denominators would only add
    /// unknowns nearly collinear with the numerators'.
    public static func fit(_ observations: [Observation]) throws -> RPC00B {
        precondition(observations.count >= 40, "an RPC fit needs observations well beyond its 20 terms")
        func centreAndScale(_ values: [Double]) -> (Double, Double) {
            let low = values.min()!, high = values.max()!
            return ((low + high) / 2, max((high - low) / 2, 1e-9))
        }
        let (lat0, latS) = centreAndScale(observations.map(\.latitude))
        let (lon0, lonS) = centreAndScale(observations.map(\.longitude))
        let (h0, hS) = centreAndScale(observations.map(\.height))
        let (line0, lineS) = centreAndScale(observations.map(\.line))
        let (sample0, sampleS) = centreAndScale(observations.map(\.sample))
        var normal = [Double](repeating: 0, count: 400)
        var lineRight = [Double](repeating: 0, count: 20), sampleRight = [Double](repeating: 0, count: 20)
        for o in observations {
            let t = terms((o.longitude - lon0) / lonS, (o.latitude - lat0) / latS, (o.height - h0) / hS)
            let line = (o.line - line0) / lineS, sample = (o.sample - sample0) / sampleS
            for i in 0..<20 {
                for j in 0..<20 { normal[i * 20 + j] += t[i] * t[j] }
                lineRight[i] += t[i] * line
                sampleRight[i] += t[i] * sample
            }
        }
        let unit = Self.unitDenominator
        return RPC00B(lineOffset: line0, sampleOffset: sample0, latitudeOffset: lat0, longitudeOffset: lon0, heightOffset: h0,
                      lineScale: lineS, sampleScale: sampleS, latitudeScale: latS, longitudeScale: lonS, heightScale: hS,
                      lineNumerator: try DenseLinearSystem.solve(normal, order: 20, rightHandSide: lineRight), lineDenominator: unit,
                      sampleNumerator: try DenseLinearSystem.solve(normal, order: 20, rightHandSide: sampleRight), sampleDenominator: unit)
    }

    /// How far the RPC's image positions lie from the observed ones, pixels.
    public struct FitError: Sendable, Codable, Equatable {
        public var maximum: Double
        public var rms: Double
        public var checkPoints: Int
    }

    public func error(on observations: [Observation]) -> FitError {
        var maximum = 0.0, sum = 0.0
        for o in observations {
            let p = image(longitude: o.longitude, latitude: o.latitude, height: o.height)
            let d = hypot(p.sample - o.sample, p.line - o.line)
            maximum = max(maximum, d)
            sum += d * d
        }
        return FitError(maximum: maximum, rms: (sum / Double(max(observations.count, 1))).squareRoot(), checkPoints: observations.count)
    }

    /// The `.rpb` text (the layout GDAL's `GDALWriteRPBFile` writes and `GDALLoadRPBFile` reads;
    /// GDAL reads only the IMAGE group's offsets, scales and coefficients).
    public func rpbText(satellite: String, band: String) -> String {
        func number(_ v: Double) -> String { String(format: "%+.15e", v) }
        func list(_ name: String, _ values: [Double]) -> String {
            "\t\(name) = (\n" + values.map { "\t\t\t\(number($0))" }.joined(separator: ",\n") + ");\n"
        }
        var text = "satId = \"\(satellite)\";\nbandId = \"\(band)\";\nSpecId = \"RPC00B\";\nBEGIN_GROUP = IMAGE\n\terrBias = 0.0;\n\terrRand = 0.0;\n"
        for (name, value) in [("lineOffset", lineOffset), ("sampOffset", sampleOffset), ("latOffset", latitudeOffset),
                              ("longOffset", longitudeOffset), ("heightOffset", heightOffset), ("lineScale", lineScale),
                              ("sampScale", sampleScale), ("latScale", latitudeScale), ("longScale", longitudeScale),
                              ("heightScale", heightScale)] {
            text += "\t\(name) = \(number(value));\n"
        }
        text += list("lineNumCoef", lineNumerator) + list("lineDenCoef", lineDenominator)
        text += list("sampNumCoef", sampleNumerator) + list("sampDenCoef", sampleDenominator)
        return text + "END_GROUP = IMAGE\nEND;\n"
    }
}
