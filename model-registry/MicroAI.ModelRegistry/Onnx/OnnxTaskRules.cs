namespace MicroAI.ModelRegistry.Onnx;

/// <summary>
/// Decides what an ONNX model does from its inputs, outputs and the labels found beside it.
/// Text models take input_ids: a [batch, n] "logits" output with n labels is a text classifier,
/// a [batch, 1] one a cross-encoder reranker, and last_hidden_state [batch, seq, hidden] or
/// sentence_embedding [batch, hidden] an embedding model. An image classifier has one 4-D float
/// input with 1 or 3 channels (NCHW or NHWC) and an output that is a vector of class scores.
/// </summary>
internal static class OnnxTaskRules
{
    /// <summary>A task recognised, with the output that carries its result.</summary>
    public sealed record Choice(string Task, string? PrimaryOutput, IReadOnlyList<string>? Labels)
    {
        public string? ImageLayout { get; init; }

        public string? ImageElementType { get; init; }

        public OnnxTabularInfo? Tabular { get; init; }
    }

    private static readonly string[] FeatureElementTypes =
        [OnnxElementTypes.Float32, OnnxElementTypes.Double, OnnxElementTypes.Int64, OnnxElementTypes.Int32, OnnxElementTypes.String];

    // Output names of embedding models, best first (pooled before per-token).
    private static readonly string[] PooledEmbeddingNames = ["sentence_embedding", "sentence_embeddings", "text_embeds", "embeddings", "embedding", "pooler_output"];
    private static readonly string[] TokenEmbeddingNames = ["last_hidden_state", "token_embeddings"];

    /// <summary>Smallest width of an unnamed [batch, n] output taken for a pooled embedding.</summary>
    private const int MinUnnamedEmbeddingWidth = 64;

    public static bool IsTextModel(OnnxModelInfo model) =>
        model.Inputs.Any(i => i.Name == "input_ids");

    public static Choice? Text(OnnxModelInfo model, IReadOnlyList<string>? configLabels, List<string> warnings)
    {
        var outputs = model.Outputs;
        var logits = outputs.FirstOrDefault(o => o.Name.Equals("logits", StringComparison.OrdinalIgnoreCase) && o.Rank == 2);
        var namedLogits = logits is not null;
        if (logits is null && configLabels is not null && outputs.Count == 1 && outputs[0].Rank == 2 && !IsEmbeddingName(outputs[0].Name))
            logits = outputs[0];

        if (logits is not null)
        {
            var classes = logits.Dims[1];
            var count = configLabels?.Count ?? 0;
            if (count >= 2 && (classes.Value == count || !classes.IsFixed))
                return new Choice(OnnxTasks.TextClassification, logits.Name, configLabels);
            if (classes.Value == 1 || (count == 1 && !classes.IsFixed))
                return new Choice(OnnxTasks.Rerank, logits.Name, configLabels);
            if (namedLogits && classes.Value >= 2)
            {
                warnings.Add(configLabels is null
                    ? $"config.json has no id2label: the {classes.Value} classes of '{logits.Name}' have no names"
                    : $"config.json id2label has {count} labels but '{logits.Name}' has {classes.Value} classes; labels ignored");
                return new Choice(OnnxTasks.TextClassification, logits.Name, null);
            }
        }

        var embedding = Embedding(outputs, configLabels);
        return embedding is null ? null : new Choice(OnnxTasks.Embeddings, embedding.Name, null);
    }

    public static Choice? Image(OnnxModelInfo model)
    {
        if (model.Inputs.Count != 1)
            return null;
        var input = model.Inputs[0];
        var layout = ImageLayoutOf(input);
        if (layout is null)
            return null;
        var scores = model.Outputs.FirstOrDefault(o => ClassDim(o) is not null);
        if (scores is null)
            return null;
        return new Choice(OnnxTasks.ImageClassification, scores.Name, null)
        {
            ImageLayout = layout,
            ImageElementType = input.ElementType,
        };
    }

    /// <summary>
    /// A tabular model: every input a [batch] or [batch, n] tensor of numbers or strings, and either
    /// operators of ai.onnx.ml (tree ensembles, linear models, ZipMap: what scikit-learn, XGBoost and
    /// LightGBM exports use) or a features.json beside it naming the columns. The outputs say the kind:
    /// a label output with class scores is a classifier, a label output with one score per row an
    /// outlier detector, float outputs alone a regressor.
    /// </summary>
    public static Choice? Tabular(OnnxModelInfo model, IReadOnlyList<string>? featureNames, List<string> warnings)
    {
        if (model.Inputs.Count == 0 || !(model.Opsets.ContainsKey(OnnxModelReader.MlDomain) || featureNames is not null))
            return null;
        if (model.Inputs.Any(i => i.Rank is < 1 or > 2 || !FeatureElementTypes.Contains(i.ElementType)))
            return null;

        var label = model.Outputs.FirstOrDefault(o => o.ElementType is OnnxElementTypes.Int64 or OnnxElementTypes.String or OnnxElementTypes.Int32 && o.Rank <= 2);
        var floats = model.Outputs.Where(o => OnnxElementTypes.IsFloatingPoint(o.ElementType) && o.Rank <= 2).ToList();
        // ZipMap's sequence of {label: probability} maps comes first: it is what the converters emit by default.
        var probabilities = model.Outputs.FirstOrDefault(o => o.ElementType == "sequence")
            ?? floats.FirstOrDefault(o => o.Rank == 2 && (o.Dims[1].Value is not 1 || o.Name.Contains("prob", StringComparison.OrdinalIgnoreCase)));
        string kind;
        OnnxTensorSpec? scores;
        if (label is not null && probabilities is not null)
            (kind, scores) = (OnnxTabularInfo.Classifier, probabilities);
        else if (label is not null && floats.Count > 0)
            (kind, scores) = (OnnxTabularInfo.Anomaly, floats[0]);
        else if (label is not null)
            (kind, scores) = (OnnxTabularInfo.Classifier, null);
        else if (floats.Count > 0)
            (kind, scores) = (OnnxTabularInfo.Regressor, floats[0]);
        else
            return null;

        var info = new OnnxTabularInfo
        {
            Kind = kind,
            LabelOutput = label?.Name,
            ScoreOutput = scores?.Name,
            Features = Features(model.Inputs, featureNames, warnings),
        };
        return new Choice(OnnxTasks.Tabular, scores?.Name ?? label?.Name, null) { Tabular = info };
    }

    /// <summary>The feature columns, input by input; names from features.json when its count fits, else from one-column inputs.</summary>
    private static IReadOnlyList<OnnxFeature> Features(IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<string>? names, List<string> warnings)
    {
        var widths = inputs.Select(i => i.Rank == 1 ? 1 : i.Dims[1].Value).ToList();
        if (widths.Any(w => w is null) && !(inputs.Count == 1 && names is not null))
        {
            var open = inputs.First(i => i.Rank == 2 && i.Dims[1].Value is null);
            warnings.Add($"input '{open.Name}' has an open number of columns: add a {OnnxFeatureFile.FileName} naming them");
            return [];
        }
        if (widths.Any(w => w is < 0 or > 1_000_000))
            return [];
        var total = widths.Sum(w => w ?? names!.Count);
        if (names is not null && names.Count != total)
        {
            warnings.Add($"{OnnxFeatureFile.FileName} names {names.Count} features but the model reads {total}; names ignored");
            names = null;
        }
        var features = new List<OnnxFeature>((int)total);
        for (var i = 0; i < inputs.Count; i++)
        {
            var width = widths[i] ?? names!.Count;
            for (var c = 0; c < width; c++)
            {
                var name = names?[features.Count] ?? (width == 1 ? inputs[i].Name : null);
                features.Add(new OnnxFeature(name, inputs[i].Name, (int)c, inputs[i].ElementType));
            }
        }
        return features;
    }

    /// <summary>"NCHW" for [N, 1|3, H, W], "NHWC" for [N, H, W, 1|3] float or float16; otherwise null.</summary>
    public static string? ImageLayoutOf(OnnxTensorSpec input)
    {
        if (input.Rank != 4 || input.ElementType is not (OnnxElementTypes.Float32 or OnnxElementTypes.Float16))
            return null;
        if (input.Dims[1].Value is 1 or 3)
            return "NCHW";
        if (input.Dims[3].Value is 1 or 3)
            return "NHWC";
        return null;
    }

    /// <summary>
    /// The class dimension of a score vector: [n], [batch, n] or [batch, n, 1, 1] (any dimension of
    /// fixed size 1 after the batch is ignored), when exactly one dimension is left; otherwise null.
    /// </summary>
    public static OnnxDim? ClassDim(OnnxTensorSpec output)
    {
        if (!output.ShapeKnown || output.Rank == 0)
            return null;
        if (output.Rank == 1)
            return output.Dims[0].Value == 1 ? null : output.Dims[0];
        OnnxDim? found = null;
        for (var i = 1; i < output.Rank; i++)
        {
            if (output.Dims[i].Value == 1)
                continue;
            if (found is not null)
                return null;
            found = output.Dims[i];
        }
        return found;
    }

    private static OnnxTensorSpec? Embedding(IReadOnlyList<OnnxTensorSpec> outputs, IReadOnlyList<string>? configLabels)
    {
        foreach (var name in PooledEmbeddingNames)
        {
            if (Find(outputs, name, rank: 2) is { } pooled)
                return pooled;
        }
        foreach (var name in TokenEmbeddingNames)
        {
            if (Find(outputs, name, rank: 3) is { } tokens)
                return tokens;
        }
        if (outputs.Count != 1 || !OnnxElementTypes.IsFloatingPoint(outputs[0].ElementType) || outputs[0].Name.Contains("logit", StringComparison.OrdinalIgnoreCase))
            return null;
        // A lone output with another name: per-token states, or (without labels that would make it
        // a classifier) a pooled vector wide enough to be an embedding.
        var only = outputs[0];
        if (only.Rank == 3)
            return only;
        if (only.Rank == 2 && configLabels is null && only.Dims[1].Value >= MinUnnamedEmbeddingWidth)
            return only;
        return null;
    }

    private static OnnxTensorSpec? Find(IReadOnlyList<OnnxTensorSpec> outputs, string name, int rank) =>
        outputs.FirstOrDefault(o => o.Rank == rank && o.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static bool IsEmbeddingName(string name) =>
        PooledEmbeddingNames.Contains(name, StringComparer.OrdinalIgnoreCase)
        || TokenEmbeddingNames.Contains(name, StringComparer.OrdinalIgnoreCase);
}
