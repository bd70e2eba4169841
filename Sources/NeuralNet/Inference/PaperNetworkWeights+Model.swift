extension PaperNetworkWeights {
    /// The parameters and standardisation of a model whose network is the paper architecture (any
    /// dropout probability: dropout is the identity at inference) reading 4 bands in 4 replicated rows,
    /// e.g. a `paper` preset model loaded from JSON + safetensors.
    public init(model: Model) throws(PaperNetworkError) {
        func withoutDropoutRate(_ layers: [Layer]) -> [Layer] {
            layers.map { if case .dropout = $0 { .dropout(probability: 0) } else { $0 } }
        }
        guard withoutDropoutRate(model.network.layers) == withoutDropoutRate(NetworkPreset.paper.layers(bands: 4)),
              model.inputLayout == .replicatedRows(rows: 4), model.bands.count == 4 else {
            throw .architecture("the model is not the paper CNN on 4 bands in 4 replicated rows (preset \(model.preset?.rawValue ?? "custom"), layout \(model.inputLayout), \(model.bands.count) bands)")
        }
        let entries = model.network.namedParameters.map { ($0.name, (shape: $0.shape, values: $0.values)) }
        let standardisation = model.standardisation
        try self.init(stateDictionary: Dictionary(uniqueKeysWithValues: entries),
                      inputMeans: standardisation.inputMeans, inputStandardDeviations: standardisation.inputStandardDeviations,
                      targetMean: standardisation.targetMean, targetStandardDeviation: standardisation.targetStandardDeviation)
    }
}
