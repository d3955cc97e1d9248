using MicroAI.Engines.Evaluation;
using MicroAI.Engines.LlamaCpp.Evaluation;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp.Tests.Quantization;

/// <summary>The evaluator's per-chunk NLL on stories260K against a computation written out here from llama_get_logits.</summary>
public sealed unsafe class LlamaPerplexityTests
{
    private const string Text =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. " +
        "One day, she saw a big red ball under a tree. She ran to get it, but a dog got there first. " +
        "The dog wagged its tail and pushed the ball to Lily with its nose. Lily laughed and threw the ball. " +
        "The dog ran after it and brought it back. They played all afternoon until the sun went down. " +
        "Then Lily went home and told her mom about her new friend. Her mom smiled and gave her a hug.";

    [Fact]
    public void Each_chunk_nll_matches_a_direct_computation_from_llama_get_logits()
    {
        using var model = LlamaTestRuntime.LoadStories();
        const int n = 32;
        var tokens = model.Tokenize(Text, addSpecial: true, parseSpecial: false);
        Assert.True(tokens.Length >= 3 * n, $"the text is {tokens.Length} tokens");
        var bos = LlamaNative.llama_vocab_bos(model.Vocab);

        PerplexityResult ours;
        using (var chunks = new LlamaChunkLogits(model, n, 1))
            ours = PerplexityCalculator.Compute(chunks, tokens, n, bos);

        // Direct: a context of its own, every position's logits requested, read with llama_get_logits
        // (row-major, one row per token), log-probabilities in double.
        var cp = LlamaNative.llama_context_default_params();
        cp.n_ctx = n; cp.n_batch = n; cp.n_ubatch = n; cp.n_seq_max = 1; cp.n_threads = 1; cp.n_threads_batch = 1;
        using var ctx = new SafeLlamaContextHandle(LlamaNative.llama_init_from_model(model.Handle, cp));
        using var batch = new SafeLlamaBatchHandle(n, 1);
        var vocab = LlamaNative.llama_vocab_n_tokens(model.Vocab);
        var chunkCount = tokens.Length / n;
        Assert.Equal(chunkCount, ours.Chunks.Count);
        double all = 0;
        for (var c = 0; c < chunkCount; c++)
        {
            LlamaNative.llama_memory_clear(LlamaNative.llama_get_memory(ctx), true);
            var b = batch.Batch;
            for (var i = 0; i < n; i++)
            {
                b->token[i] = i == 0 ? bos : tokens[c * n + i];
                b->pos[i] = i; b->n_seq_id[i] = 1; b->seq_id[i][0] = 0; b->logits[i] = 1;
            }
            b->n_tokens = n;
            Assert.Equal(0, LlamaNative.llama_decode(ctx, *b));
            var logits = LlamaNative.llama_get_logits(ctx);
            double nll = 0;
            for (var p = n / 2; p < n - 1; p++)
            {
                var row = logits + (long)p * vocab;
                double sum = 0;
                for (var v = 0; v < vocab; v++)
                    sum += Math.Exp(row[v]);
                nll -= Math.Log(Math.Exp(row[tokens[c * n + p + 1]]) / sum);
            }
            Assert.Equal(nll, ours.Chunks[c].NegativeLogLikelihood, 1e-4);
            all += nll;
        }
        Assert.Equal(Math.Exp(all / (chunkCount * (n / 2 - 1))), ours.Perplexity, 1e-4);
        // A trained model on its own kind of text: far better than chance (512 tokens).
        Assert.InRange(ours.Perplexity, 1.5, 100);
    }
}
