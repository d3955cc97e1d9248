using System.Text;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

/// <summary>
/// Generates from a model under a grammar with the bare llama.cpp API: chain [grammar, dist(seed)]
/// (or greedy), one token per decode, until an end-of-generation token or the budget runs out.
/// </summary>
internal sealed unsafe class GrammarGenerator(LlamaModel model) : IDisposable
{
    private readonly SafeLlamaContextHandle _ctx = CreateContext(model);
    private readonly SafeLlamaBatchHandle _batch = new(512, 1);

    private static SafeLlamaContextHandle CreateContext(LlamaModel model)
    {
        var cp = LlamaNative.llama_context_default_params();
        cp.n_ctx = 512;
        cp.n_batch = 512;
        cp.n_ubatch = 512;
        cp.n_seq_max = 1;
        cp.n_threads = 1;
        cp.n_threads_batch = 1;
        cp.no_perf = 1;
        var raw = LlamaNative.llama_init_from_model(model.Handle, cp);
        Assert.NotEqual(0, raw);
        return new SafeLlamaContextHandle(raw);
    }

    /// <summary>The text generated, and whether the grammar reached its end (an EOG was sampled).</summary>
    public (string Text, bool Finished) Generate(string gbnf, uint? seed, string prompt = "Once upon a time", int maxTokens = 200)
    {
        var cp = LlamaNative.llama_sampler_chain_default_params();
        cp.no_perf = 1;
        using var chain = new SafeLlamaSamplerHandle(LlamaNative.llama_sampler_chain_init(cp));
        Assert.True(LlamaGrammar.TryCreateSampler(model.Vocab, gbnf, out var grammar, out var error), error);
        LlamaNative.llama_sampler_chain_add(chain, grammar);
        LlamaNative.llama_sampler_chain_add(chain, seed is { } s ? LlamaNative.llama_sampler_init_dist(s) : LlamaNative.llama_sampler_init_greedy());

        LlamaNative.llama_memory_clear(LlamaNative.llama_get_memory(_ctx), true);
        var tokens = model.Tokenize(prompt, addSpecial: true, parseSpecial: false);
        var position = 0;
        Decode(tokens, ref position);
        var bytes = new List<byte>();
        var piece = new byte[64];
        for (var i = 0; i < maxTokens; i++)
        {
            var token = LlamaNative.llama_sampler_sample(chain, _ctx, -1);
            if (LlamaNative.llama_vocab_is_eog(model.Vocab, token))
                return (Encoding.UTF8.GetString([.. bytes]), true);
            int n;
            fixed (byte* p = piece)
                n = LlamaNative.llama_token_to_piece(model.Vocab, token, p, piece.Length, 0, false);
            bytes.AddRange(piece.AsSpan(0, n).ToArray());
            Decode([token], ref position);
        }
        return (Encoding.UTF8.GetString([.. bytes]), false);
    }

    private void Decode(int[] tokens, ref int position)
    {
        var b = _batch.Batch;
        b->n_tokens = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            b->token[i] = tokens[i];
            b->pos[i] = position++;
            b->n_seq_id[i] = 1;
            b->seq_id[i][0] = 0;
            b->logits[i] = i == tokens.Length - 1 ? (sbyte)1 : (sbyte)0;
        }
        b->n_tokens = tokens.Length;
        Assert.Equal(0, LlamaNative.llama_decode(_ctx, *b));
    }

    public void Dispose()
    {
        _batch.Dispose();
        _ctx.Dispose();
    }
}
