using MicroAI.Engines.Abstractions;
using MicroAI.Engines.Embeddings;
using MicroAI.Tokenizers;

namespace MicroAI.Engines.Onnx.Pipelines;

/// <summary>
/// A sentence embedder (BERT family: all-MiniLM, bge, e5, …): tokenize, pad each run of up to
/// <see cref="RowsPerRun"/> inputs to its longest, run, pool over the attention mask (mean, CLS,
/// max or last token, from the sentence-transformers config), L2-normalise when the model's
/// modules say so. A graph that already outputs a pooled [batch, dim] tensor is used as is.
/// </summary>
internal sealed class SentenceEmbeddingPipeline : IEmbeddingModel
{
    /// <summary>Rows per ORT run: big enough to amortise the call, small enough that padding a
    /// 512-token input does not balloon the activations of a large request (64 × 512 × 384 floats = 50 MB).</summary>
    private const int RowsPerRun = 64;

    private readonly OnnxSession _session;
    private readonly ITokenizer _tokenizer;
    private readonly TextInputs _inputs;
    private readonly string _output;
    private readonly string _id;

    public SentenceEmbeddingPipeline(string id, OnnxSession session, ITokenizer tokenizer, string folder, string? primaryOutput)
    {
        _id = id;
        _session = session;
        _tokenizer = tokenizer;
        _inputs = TextInputs.For(session, id);
        var output = session.Outputs.FirstOrDefault(o => o.Name == (primaryOutput ?? "")) ?? session.Outputs.FirstOrDefault(o => o.Name is "sentence_embedding" or "last_hidden_state") ?? session.Outputs[0];
        _output = output.Name;
        Dimensions = output.Shape.Count > 0 && output.Shape[^1] > 0 ? (int)output.Shape[^1] : throw new ModelLoadException($"'{id}': the output '{output.Name}' has no fixed embedding width.");
        (Pooling, _) = ModelFolderConfig.Pooling(folder);
        Normalized = ModelFolderConfig.Normalizes(folder);
        MaxInputTokens = ModelFolderConfig.MaxLength(folder, tokenizer.ModelMaxLength);
    }

    public string Description => $"sentence embeddings ({Dimensions} dimensions, {Pooling} pooling{(Normalized ? ", L2-normalised" : "")}) on {_session.ExecutionProvider}";
    public int MaxBatchSize => 2048;
    public int Dimensions { get; }
    public bool Normalized { get; }
    public int MaxInputTokens { get; }
    public string Pooling { get; }

    public ValueTask<InferenceResult<EmbeddingBatch>> EmbedAsync(IReadOnlyList<EmbeddingInput> inputs, bool truncate, CancellationToken cancellationToken)
    {
        var encoded = new TokenizedText[inputs.Count];
        var tokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (Encode(inputs[i], i, truncate, out encoded[i]) is { } error)
                return ValueTask.FromResult<InferenceResult<EmbeddingBatch>>(error);
            tokens += encoded[i].Length;
        }
        var vectors = new float[inputs.Count][];
        for (var start = 0; start < encoded.Length; start += RowsPerRun)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = encoded.AsSpan(start, Math.Min(RowsPerRun, encoded.Length - start)).ToArray();
            var batch = TokenBatch.Pad(rows, _tokenizer);
            using var outputs = _session.Run(_inputs.Build(batch), [_output], cancellationToken);
            var output = outputs[0];
            var values = output.ToFloatArray();
            for (var r = 0; r < rows.Length; r++)
            {
                var v = output.Shape.Count == 2
                    ? values.AsSpan(r * Dimensions, Dimensions).ToArray()
                    : Pool(values, r, batch.SequenceLength, batch.AttentionMask);
                if (Normalized)
                    VectorMath.L2Normalize(v);
                vectors[start + r] = v;
            }
        }
        return ValueTask.FromResult<InferenceResult<EmbeddingBatch>>(new EmbeddingBatch(vectors, tokens));
    }

    private InferenceError? Encode(EmbeddingInput input, int index, bool truncate, out TokenizedText encoded)
    {
        if (input.Tokens is { } ids)
        {
            var bad = Array.FindIndex(ids, t => t < 0 || t >= _tokenizer.VocabularySize);
            encoded = new TokenizedText(ids, new int[ids.Length], new int[ids.Length], [], false);
            if (bad >= 0)
                return InferenceError.BadInput($"Token {ids[bad]} at position {bad} of input {index} is not in the model's vocabulary (0 to {_tokenizer.VocabularySize - 1}).", index);
            if (ids.Length > MaxInputTokens)
            {
                if (!truncate)
                    return InferenceError.TooLong($"Input {index} has {ids.Length} tokens, more than the {MaxInputTokens} this model reads. Shorten it, or send \"truncate\": true to cut it.", index);
                encoded = encoded with { Ids = ids[..MaxInputTokens], TypeIds = new int[MaxInputTokens], SpecialTokensMask = new int[MaxInputTokens] };
            }
            return null;
        }
        encoded = _tokenizer.Encode(input.Text!);
        if (encoded.Length > MaxInputTokens)
        {
            if (!truncate)
                return InferenceError.TooLong($"Input {index} has {encoded.Length} tokens, more than the {MaxInputTokens} this model reads. Shorten it, or send \"truncate\": true to cut it.", index);
            encoded = _tokenizer.Encode(input.Text!, maxLength: MaxInputTokens);
        }
        return null;
    }

    /// <summary>Pools row <paramref name="row"/> of a [batch, seq, dim] output over its unmasked positions.</summary>
    private float[] Pool(float[] hidden, int row, int seq, long[] mask)
    {
        var d = Dimensions;
        var result = new float[d];
        var rowBase = row * seq;
        var count = 0;
        var last = 0;
        for (var s = 0; s < seq; s++)
        {
            if (mask[rowBase + s] == 0)
                continue;
            last = s;
            count++;
        }
        switch (Pooling)
        {
            case "cls":
                hidden.AsSpan(rowBase * d, d).CopyTo(result);
                return result;
            case "last":
                hidden.AsSpan((rowBase + last) * d, d).CopyTo(result);
                return result;
            case "max":
                result.AsSpan().Fill(float.NegativeInfinity);
                for (var s = 0; s < seq; s++)
                {
                    if (mask[rowBase + s] == 0)
                        continue;
                    var h = hidden.AsSpan((rowBase + s) * d, d);
                    for (var j = 0; j < d; j++)
                        result[j] = Math.Max(result[j], h[j]);
                }
                return result;
            default:
                // Accumulate in double: a 512-token mean of float32 loses the last digits otherwise.
                var sum = new double[d];
                for (var s = 0; s < seq; s++)
                {
                    if (mask[rowBase + s] == 0)
                        continue;
                    var h = hidden.AsSpan((rowBase + s) * d, d);
                    for (var j = 0; j < d; j++)
                        sum[j] += h[j];
                }
                for (var j = 0; j < d; j++)
                    result[j] = (float)(sum[j] / Math.Max(count, 1));
                return result;
        }
    }

    public void Dispose() => _session.Dispose();
}
