namespace MicroAI.Engines.Abstractions;

/// <summary>One input to embed: text, or token ids the client already produced with the model's tokenizer.</summary>
public sealed record EmbeddingInput(string? Text, int[]? Tokens)
{
    public static EmbeddingInput FromText(string text) => new(text, null);
    public static EmbeddingInput FromTokens(int[] tokens) => new(null, tokens);
}

/// <param name="Vectors">One vector per input, in input order, each <see cref="IEmbeddingModel.Dimensions"/> long.</param>
public sealed record EmbeddingBatch(IReadOnlyList<float[]> Vectors, int PromptTokens);

/// <summary>A sentence embedder: pooled, optionally normalised vectors.</summary>
public interface IEmbeddingModel : IInferenceModel
{
    int Dimensions { get; }

    /// <summary>Whether vectors come out L2-normalised (the model family's convention).</summary>
    bool Normalized { get; }

    /// <summary>Most tokens one input may have (special tokens included).</summary>
    int MaxInputTokens { get; }

    /// <summary>"mean", "cls", "last", …</summary>
    string Pooling { get; }

    /// <param name="truncate">Cut inputs longer than <see cref="MaxInputTokens"/> instead of failing with 400.</param>
    ValueTask<InferenceResult<EmbeddingBatch>> EmbedAsync(IReadOnlyList<EmbeddingInput> inputs, bool truncate, CancellationToken cancellationToken);
}
