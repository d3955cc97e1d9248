namespace MicroAI.Engines.Evaluation;

/// <summary>
/// The model side of a perplexity run: decodes one chunk from an empty cache and hands back the
/// logits of its later positions. Called on one thread.
/// </summary>
public interface IChunkLogits
{
    int VocabularySize { get; }

    /// <summary>
    /// Decodes <paramref name="tokens"/> at positions 0…n-1 of a fresh sequence and returns the logits
    /// of positions <paramref name="firstOutput"/>…n-1, row after row (n - firstOutput rows of
    /// <see cref="VocabularySize"/> floats), valid until the next call.
    /// </summary>
    ReadOnlySpan<float> DecodeChunk(ReadOnlySpan<int> tokens, int firstOutput);
}

/// <param name="NegativeLogLikelihood">The sum over the chunk's scored tokens of -ln p(token | the tokens before it).</param>
public sealed record ChunkScore(int Index, double NegativeLogLikelihood, int Tokens);

public sealed record PerplexityResult(double Perplexity, IReadOnlyList<ChunkScore> Chunks, int TextTokens)
{
    public int TokensScored => Chunks.Sum(c => c.Tokens);
    public int TokensDecoded(int contextSize) => Chunks.Count * contextSize;
}

/// <summary>
/// Perplexity as llama.cpp's tools/perplexity computes it (its default mode): the text, tokenized
/// with its BOS, is cut into ⌊n / n_ctx⌋ chunks of n_ctx tokens (the tail is dropped); each chunk is
/// decoded from an empty cache with its first token replaced by BOS when the vocabulary adds one;
/// only the second half is scored, so every scored token has at least n_ctx/2 tokens of context:
/// the logits at positions p = n_ctx/2 … n_ctx-2 predict the tokens at p+1 (n_ctx/2 - 1 tokens per
/// chunk). Perplexity = exp(Σ NLL / Σ tokens) over all chunks, NLL = -log_softmax(logits)[token].
/// </summary>
public static class PerplexityCalculator
{
    public static PerplexityResult Compute(IChunkLogits model, ReadOnlySpan<int> tokens, int contextSize, int? bosToken,
        IProgress<PerplexityProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(contextSize, 4);
        if (tokens.Length < 2 * contextSize)
            throw new ArgumentException($"The text is {tokens.Length} tokens; scoring with a context of {contextSize} needs at least {2 * contextSize} (two chunks).", nameof(tokens));

        var chunks = tokens.Length / contextSize;
        var first = contextSize / 2;
        var scoredPerChunk = contextSize - first - 1;
        var vocab = model.VocabularySize;
        var chunk = new int[contextSize];
        var scores = new List<ChunkScore>(chunks);
        double total = 0;
        for (var c = 0; c < chunks; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            tokens.Slice(c * contextSize, contextSize).CopyTo(chunk);
            if (bosToken is { } bos)
                chunk[0] = bos;
            var rows = model.DecodeChunk(chunk, first);
            if (rows.Length < scoredPerChunk * vocab)
                throw new InvalidOperationException($"The model returned {rows.Length} logits for chunk {c}; {scoredPerChunk * vocab} were expected.");
            double nll = 0;
            for (var i = 0; i < scoredPerChunk; i++)
                nll -= LogSoftmax(rows.Slice(i * vocab, vocab), chunk[first + i + 1]);
            scores.Add(new ChunkScore(c, nll, scoredPerChunk));
            total += nll;
            progress?.Report(new PerplexityProgress(c + 1, chunks, Math.Exp(total / ((c + 1) * scoredPerChunk))));
        }
        return new PerplexityResult(Math.Exp(total / (chunks * scoredPerChunk)), scores, tokens.Length);
    }

    /// <summary>ln softmax(logits)[token], shifted by the largest logit so no exp overflows; the sum is kept in double as llama.cpp does.</summary>
    public static double LogSoftmax(ReadOnlySpan<float> logits, int token)
    {
        if ((uint)token >= (uint)logits.Length)
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token {token} is outside the vocabulary of {logits.Length}.");
        var max = logits[0];
        foreach (var l in logits)
            max = Math.Max(max, l);
        double sum = 0;
        foreach (var l in logits)
            sum += MathF.Exp(l - max);
        return logits[token] - max - Math.Log(sum);
    }
}
