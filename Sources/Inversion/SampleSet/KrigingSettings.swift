import Geostatistics

/// How samples are kriged: the variogram model (fitted with gstat's defaults, or chosen among
/// spherical, exponential and Gaussian by fit), the neighbourhood and the support. One value serves
/// `regolith krige`, the sample set's kriged targets and each fold of the spatial cross-validation.
public struct KrigingSettings: Sendable, Equatable, Codable {
    public enum ModelChoice: String, Sendable, CaseIterable, Codable {
        case auto, sph, exp, gau
    }

    public var model: ModelChoice
    /// nil: the global neighbourhood.
    public var nmax: Int?
    public var maxdist: Double?
    /// Side of a square block support in map units (4 for a GF-2 pixel); nil: point support.
    public var block: Double?

    public init(model: ModelChoice = .auto, nmax: Int? = nil, maxdist: Double? = nil, block: Double? = nil) {
        self.model = model
        self.nmax = nmax
        self.maxdist = maxdist
        self.block = block
    }

    public var neighbourhood: KrigingNeighbourhood {
        nmax.map { .nearest($0, maxDistance: maxdist ?? .infinity) } ?? .global
    }

    public var support: KrigingSupport { block.map { .square($0) } ?? .point }

    /// The experimental variogram of `samples` and the model fitted to it.
    public func fitVariogram(_ samples: SpatialSamples) throws -> (variogram: ExperimentalVariogram, fit: VariogramFit) {
        let variogram = try ExperimentalVariogram(samples: samples)
        let fit: VariogramFit = switch model {
        case .auto: try VariogramModel.fitBest(to: variogram)
        case .sph: try VariogramModel.fit(.spherical, to: variogram)
        case .exp: try VariogramModel.fit(.exponential, to: variogram)
        case .gau: try VariogramModel.fit(.gaussian, to: variogram)
        }
        return (variogram, fit)
    }

    /// Fits the variogram and sets up the kriging of `samples` with it.
    public func kriging(_ samples: SpatialSamples) throws -> (kriging: OrdinaryKriging, fit: VariogramFit, variogram: ExperimentalVariogram) {
        let (variogram, fit) = try fitVariogram(samples)
        let kriging = try OrdinaryKriging(samples: samples, model: fit.model, neighbourhood: neighbourhood, support: support)
        return (kriging, fit, variogram)
    }
}

extension KrigingSettings {
    enum CodingKeys: String, CodingKey { case model, nmax, maxdist, block }

    /// Missing keys take the defaults (auto model, global neighbourhood, point support).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(model: try c.decodeIfPresent(ModelChoice.self, forKey: .model) ?? .auto,
                  nmax: try c.decodeIfPresent(Int.self, forKey: .nmax), maxdist: try c.decodeIfPresent(Double.self, forKey: .maxdist),
                  block: try c.decodeIfPresent(Double.self, forKey: .block))
    }
}
