/// What a model reads at each pixel besides (or instead of) a scene's plain bands: the scene bands,
/// extra rasters resampled onto the scene's grid (covariates), terrain derivatives of one of them
/// (a DEM), and spectral indices. Recorded in `model.json` so that `invert` rebuilds the same
/// features and refuses a call that lacks one. Plain values; RasterIO and Inversion compute them.
public struct FeatureStack: Sendable, Hashable, Codable {
    /// An extra raster as the model saw it: its feature name, the file it was trained with, the
    /// resampling onto the scene grid (gdalwarp's `-r` name as Regolith spells it) and its band count.
    public struct Covariate: Sendable, Hashable, Codable {
        public var name: String
        public var path: String
        public var resampling: String
        public var bands: Int
        public init(name: String, path: String, resampling: String, bands: Int) {
            self.name = name
            self.path = path
            self.resampling = resampling
            self.bands = bands
        }

        /// Its features: the name for one band, `<name>_<band>` for several.
        public var featureNames: [String] { bands == 1 ? [name] : (1...max(bands, 1)).map { "\(name)_\($0)" } }
    }

    /// Scene band numbers (1-based), features `b<N>`.
    public var sceneBands: [Int]
    public var covariates: [Covariate]
    /// Terrain derivatives (`slope`, `aspect`, `tri`, `tpi`, `roughness`) of the covariate `terrainSource`.
    public var terrain: [String]
    public var terrainSource: String?
    /// Spectral indices of the scene bands: `ndvi` ((b4 − b3)/(b4 + b3)), `ratio_b<i>_b<j>` (b<i>/b<j>).
    public var indices: [String]
    /// Spatial context: for each window side k here (odd), every scene band's mean reflectance over
    /// the k × k pixels around the pixel (those inside the scene with data), features `b<N>_mean<k>`.
    /// Averaging the pixel-scale noise (sensor, vegetation, micro-relief) out of the bands is what
    /// lets a per-pixel model see the slowly varying crust beneath.
    public var focalMeans: [Int]

    public init(sceneBands: [Int], covariates: [Covariate] = [], terrain: [String] = [], terrainSource: String? = nil, indices: [String] = [],
                focalMeans: [Int] = []) {
        self.sceneBands = sceneBands
        self.covariates = covariates
        self.terrain = terrain
        self.terrainSource = terrainSource
        self.indices = indices
        self.focalMeans = focalMeans
    }

    private enum CodingKeys: String, CodingKey { case sceneBands, covariates, terrain, terrainSource, indices, focalMeans }

    /// Models saved before focal means existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sceneBands = try container.decode([Int].self, forKey: .sceneBands)
        covariates = try container.decode([Covariate].self, forKey: .covariates)
        terrain = try container.decode([String].self, forKey: .terrain)
        terrainSource = try container.decodeIfPresent(String.self, forKey: .terrainSource)
        indices = try container.decode([String].self, forKey: .indices)
        focalMeans = try container.decodeIfPresent([Int].self, forKey: .focalMeans) ?? []
    }

    /// The features in the order a model reads them: scene bands, covariate bands, terrain, indices, focal means.
    public var featureNames: [String] {
        sceneBands.map { "b\($0)" } + covariates.flatMap(\.featureNames) + terrain + indices
            + focalMeans.flatMap { side in sceneBands.map { "b\($0)_mean\(side)" } }
    }

    /// Only scene bands: what models without a record read.
    public var isPlain: Bool { covariates.isEmpty && terrain.isEmpty && indices.isEmpty && focalMeans.isEmpty }

    /// Window sides a focal mean may have: odd, up to 63 pixels (a halo of 31: some 60 m at 1 m).
    public static let focalMeanSideRange = 3...63
    /// The words for that range in messages.
    public static let focalMeanSidesText = "odd, from 3 to 63 pixels"

    public static func isFocalMeanSide(_ side: Int) -> Bool { focalMeanSideRange.contains(side) && side % 2 == 1 }

    /// The odd window side nearest to `metres` across at `pixelSize` metres, within `focalMeanSideRange`.
    public static func focalMeanSide(metres: Double, pixelSize: Double) -> Int {
        let pixels = pixelSize > 0 && metres.isFinite ? Int(min(1e6, max(0, (metres / pixelSize).rounded()))) : 0
        return min(focalMeanSideRange.upperBound, max(focalMeanSideRange.lowerBound, pixels | 1))
    }

    /// One descriptor per feature: a scene band's number, or for any other feature its 1-based
    /// position in `featureNames` (it is read from the stack, not from a scene band).
    public var descriptors: [BandDescriptor] {
        featureNames.enumerated().map { position, name in
            BandDescriptor(name: name, number: position < sceneBands.count ? sceneBands[position] : position + 1)
        }
    }
}
