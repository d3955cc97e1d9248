using MicroAI.Engines.Evaluation;

namespace MicroAI.Engines.LlamaCpp.Tests.Quantization;

/// <summary>Perplexity through <see cref="PerplexityCalculator"/> (the path the llama.cpp evaluator takes) with logits whose probabilities are known.</summary>
public sealed class PerplexityCalculatorTests
{
    /// <summary>
    /// Vocabulary 4, chunks of 8 tokens, 16 tokens: 2 chunks, each scoring positions 4, 5, 6 (predicting
    /// tokens 5, 6, 7). The fake gives the true next token probability 1/2, 1/2, 1/4 in chunk 0 and 1/4,
    /// 1/2, 1/2 in chunk 1: mean NLL = (4 ln 2 + 2 ln 4) / 6 = (4/3) ln 2, perplexity 2^(4/3) = 2.519842.
    /// </summary>
    [Fact]
    public void Known_probabilities_give_a_hand_computed_perplexity()
    {
        var fake = new KnownProbabilities(4, [[0.5, 0.5, 0.25], [0.25, 0.5, 0.5]]);
        int[] tokens = [1, 3, 2, 0, 1, 2, 3, 0, 2, 2, 1, 0, 3, 1, 0, 2];

        var result = PerplexityCalculator.Compute(fake, tokens, contextSize: 8, bosToken: 1);

        Assert.Equal(Math.Pow(2, 4.0 / 3), result.Perplexity, 6);
        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(2 * Math.Log(2) + Math.Log(4), result.Chunks[0].NegativeLogLikelihood, 6);
        Assert.Equal(6, result.TokensScored);
        // Each chunk decoded from its own start, its first token replaced by BOS, outputs from the middle.
        Assert.Equal([[1, 3, 2, 0, 1, 2, 3, 0], [1, 2, 1, 0, 3, 1, 0, 2]], fake.Chunks);
        Assert.All(fake.FirstOutputs, f => Assert.Equal(4, f));
    }

    [Fact]
    public void Uniform_logits_give_the_vocabulary_size_and_the_tail_is_dropped()
    {
        // All-equal logits: every token has p = 1/V, so perplexity is V exactly; 2.5 chunks → 2.
        var fake = new ConstantLogits(7);
        var result = PerplexityCalculator.Compute(fake, Enumerable.Range(0, 50).Select(i => i % 7).ToArray(), contextSize: 20, bosToken: null);
        Assert.Equal(7, result.Perplexity, 6);
        Assert.Equal(2, result.Chunks.Count);
        Assert.Equal(2 * 9, result.TokensScored);
    }

    [Fact]
    public void A_text_shorter_than_two_chunks_is_refused_with_the_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => PerplexityCalculator.Compute(new ConstantLogits(3), new int[30], 16, null));
        Assert.Contains("30 tokens", e.Message);
        Assert.Contains("32", e.Message);
    }

    [Fact]
    public void Log_softmax_is_shift_invariant_and_exact()
    {
        float[] logits = [10f, 10f + MathF.Log(3f)];
        Assert.Equal(Math.Log(0.25), PerplexityCalculator.LogSoftmax(logits, 0), 6);
        Assert.Equal(Math.Log(0.75), PerplexityCalculator.LogSoftmax(logits, 1), 6);
    }

    /// <summary>Row i of chunk c gives the true next token probability p[c][i] and spreads the rest evenly.</summary>
    private sealed class KnownProbabilities(int vocab, double[][] p) : IChunkLogits
    {
        public List<int[]> Chunks { get; } = [];
        public List<int> FirstOutputs { get; } = [];
        public int VocabularySize => vocab;

        public ReadOnlySpan<float> DecodeChunk(ReadOnlySpan<int> tokens, int firstOutput)
        {
            var c = Chunks.Count;
            Chunks.Add(tokens.ToArray());
            FirstOutputs.Add(firstOutput);
            var rows = tokens.Length - firstOutput;
            var logits = new float[rows * vocab];
            for (var i = 0; i < rows; i++)
            {
                var next = firstOutput + i + 1 < tokens.Length ? tokens[firstOutput + i + 1] : 0;
                var pi = i < p[c].Length ? p[c][i] : 0.5;
                for (var v = 0; v < vocab; v++)
                    logits[i * vocab + v] = (float)Math.Log(v == next ? pi : (1 - pi) / (vocab - 1));
            }
            return logits;
        }
    }

    private sealed class ConstantLogits(int vocab) : IChunkLogits
    {
        public int VocabularySize => vocab;
        public ReadOnlySpan<float> DecodeChunk(ReadOnlySpan<int> tokens, int firstOutput) => new float[(tokens.Length - firstOutput) * vocab];
    }
}
