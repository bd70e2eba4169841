import Foundation
import Inversion
import RasterIO
import NeuralNet

/// What `regolith run` does, as its YAML configuration says. Every field but `scene` (or `scenes`)
/// and `samples` has a default (no file at all means the bundled fixture world). Decoding is strict
/// (`RunConfiguration+Decoding.swift`) and every value is range-checked before any work
/// (`RunConfiguration+Checks.swift`).
public struct RunConfiguration: Sendable, Equatable {
    public struct Model: Sendable, Equatable {
        /// `auto` (every candidate scored by spatial validation, the best makes the map), `paper`
        /// (the article's CNN, trained as the article does) or `patch`.
        public var arch: ModelArchitecture = .auto
        /// Window side of the patch network (odd).
        public var patchSize: Int = 5
        public var iterations: Int = 5000
        public var learningRate: Double = 0.001
        public var seed: UInt64 = 1
        /// Monte-Carlo dropout passes for the uncertainty band (0: none).
        public var mcDropout: Int = 0
        public init() {}
    }

    public struct Validation: Sendable, Equatable {
        public var trainFraction: Double = 2.0 / 3.0
        public var folds: Int = 5
        /// Block side for spatial cross-validation; default: the variogram's practical range.
        public var blockSize: Double?
        public var seed: UInt64 = 1
        public init() {}
    }

    public struct Anomalies: Sendable, Equatable {
        public var threshold: Double?
        /// Used when no threshold is given.
        public var percentile: Double = 95
        public var minArea: Double = 2000
        /// Holes smaller than this (m²) are filled by GDAL's sieve.
        public var minHole: Double = AnomalySearch.runMinimumHoleArea
        /// The focal-mean window (k × k, odd; 1: none) the threshold is applied to.
        public var smooth: Int = AnomalySearch.runSmoothing
        /// The focal statistic of the smoothing (the median measured no better than the mean:
        /// fixture world k = 3 IoU 0.349, seed-2 world 0.251 with 73 areas).
        public var smoothStatistic = AnomalySearch.Smoothing.mean
        /// Topology-preserving simplification tolerance of the polygons, in map units.
        public var simplify: Double?
        public var maskVegetation: Double?
        public var maskWater: Double?
        public init() {}
    }

    public struct Truth: Sendable, Equatable {
        public var content: String?
        public var zones: String?
        public init() {}
    }

    /// Which samples fit the map's model: all of the region's, or each product's own (`model_scope`).
    public enum ModelScope: String, Sendable, Codable, CaseIterable {
        case region, product
    }

    /// The products of a region (`scenes:`), instead of one `scene`: a YAML list of product paths,
    /// or one string that `ProductCatalogue.load` reads (a folder, an `@list.txt`, a STAC
    /// ItemCollection `.json`). The run maps their mosaic (`ProductMosaic`) as one reflectance scene.
    public enum Scenes: Sendable, Equatable {
        case paths([String])
        case catalogue(String)
    }

    public var scene: String?
    public var scenes: Scenes?
    /// `scenes:` only: which product each mosaic pixel comes from (`priority`, `target_date`) and
    /// the seams' feathering in pixels (`feather`), as `regolith mosaic-products` takes them.
    public var mosaicPriority: [MosaicPriority.Key] = MosaicPriority.defaultKeys
    public var targetDate: Date?
    public var feather: Int = 0
    /// `scenes:` only (`cloud_reflectance`): a product's pixel whose blue TOA reflectance exceeds this
    /// is cloud, taken from the next-ranked product (`ProductMosaic.cloudReflectance`); nil: no screen.
    public var cloudReflectance: Double?
    /// `scenes:` only (`normalise`): fit each product's radiometry to the better-ranked products'
    /// over their overlap before mosaicking (`ProductMosaic.normalise`).
    public var normalise: Bool = false
    /// `scenes:` only (`model_scope`): the region's model for every pixel, or each product's own
    /// model, fitted on its samples, for the products with at least `minProductSamples`
    /// (`min_product_samples`) of them (`ProductScope`).
    public var modelScope: ModelScope = .region
    public var minProductSamples: Int = ProductScope.defaultMinimumSamples
    public var xml: String?
    /// Orthorectify the scene (an L1A one, with its RPC model) while calibrating it (keys `dem`,
    /// `height`, `t_srs`, `res`, `resampling`); nil: the scene is map-projected already.
    public var orthorectification: OrthorectificationSettings?
    /// Pan-sharpen the product's MSS with its PAN while calibrating (`ProductPansharpening`), so
    /// samples, model and maps live on the PAN's grid (1 m by default).
    public var pansharpen: Bool = false
    public var samples: String?
    public var samplesCrs: String = "EPSG:4326"
    public var column: String = "re2o3"
    /// The value column's unit ("ppm", "%"); empty: none, the column's name alone labels the outputs.
    public var unit: String = ""
    /// The samples CSV's delimiter and coordinate columns (keys `delimiter`, `x_column`, `y_column`).
    public var samplesFormat = SampleTableFormat()
    public var out: String = "regolith-run"
    public var dos: Bool = false
    /// What the scene's pixels hold: nil (GF-2 DNs, calibrated) or reflectance made elsewhere (no calibrate step).
    public var input: SceneInput.Kind?
    /// Reflectance per stored value of a reflectance scene (0.0001 for reflectance × 10000); nil: 1.
    public var scale: Double?
    /// The sample set's kriged targets (and each validation fold's): evaluated at sample pixels only,
    /// where a local neighbourhood leaves no seam.
    public var kriging = KrigingSettings(model: .auto, nmax: 32, maxdist: nil, block: 4)
    /// The geochemical map's neighbourhood (`kriging.map_nmax`); nil, the default: global, every pixel
    /// kriged from every sample, so the map has no seams where a nearest-N neighbour set switches
    /// (with 32 nearest the fixture world's map jumped by up to 2.1 between adjacent pixels inside
    /// the support; globally by at most 0.26, its gradient).
    public var mapNearestSamples: Int?
    /// Where the geochemical map stops (the `support:` section: `mask`, `distance`, `variance`); nil:
    /// `mask: false`, every pixel kriged.
    public var support: ExtrapolationMask? = ExtrapolationMask()
    /// Features besides the scene's bands (keys `covariates`, `terrain`, `terrain_from`, `indices`,
    /// `focal_means`): extra rasters on the scene's grid, terrain derivatives of the DEM among them,
    /// spectral indices, the bands' means around each pixel.
    public var covariates = CovariateSettings()
    public var model = Model()
    public var validation = Validation()
    public var anomalies = Anomalies()
    public var truth = Truth()
    public var memory: String?
    public var threads: Int?
    /// Raster outputs as Cloud Optimized GeoTIFFs (with overviews, so GIS programs draw them at any
    /// zoom without reading every pixel).
    public var cog: Bool = true
    /// GeoTIFF compression of the raster outputs: ZSTD, or DEFLATE/LZW for older readers.
    public var compress: GeoTIFFOptions.Compression = .zstd
    /// The level of the map's conformal prediction interval (`ConformalInterval`), e.g. 0.9.
    public var interval: Double = 0.9
    /// Whether the interval's width follows the predicted content (`content`) or is constant (`none`).
    public var intervalWeighting: ConformalInterval.Weighting = .content

    public init() {}
}
