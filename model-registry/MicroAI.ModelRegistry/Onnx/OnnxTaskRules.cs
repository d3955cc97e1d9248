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
    }

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
