using MicroAI.Engines.Abstractions;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// A llama.cpp sampler chain for one sequence, in llama-server's order:
/// penalties → top-k → top-p → min-p → temperature → dist(seed), or penalties → greedy at temperature 0.
/// </summary>
internal sealed class LlamaTokenSampler : ITokenSampler
{
    private readonly SafeLlamaContextHandle _ctx;
    private readonly SafeLlamaSamplerHandle _chain;

    public LlamaTokenSampler(SafeLlamaContextHandle ctx, nint vocab, int vocabularySize, SamplingParameters p)
    {
        _ctx = ctx;
        var cp = LlamaNative.llama_sampler_chain_default_params();
        cp.no_perf = 1;
        _chain = new SafeLlamaSamplerHandle(LlamaNative.llama_sampler_chain_init(cp));
        // The grammar comes first: it removes every token that cannot continue a valid output, and
        // the usual samplers then choose among what is left (llama.cpp's own order).
        if (p.Grammar is { } grammar)
        {
            if (!LlamaGrammar.TryCreateSampler(vocab, grammar, out var grammarSampler, out var error))
            {
                _chain.Dispose();
                throw new SamplerRejectedException(error, RequestPart.Grammar);
            }
            Add(grammarSampler);
        }
        if (p.LogitBias is { Count: > 0 } bias)
            AddLogitBias(vocabularySize, bias);
        if (p.HasPenalties)
            Add(LlamaNative.llama_sampler_init_penalties(vocabularySize, p.PenaltyLastN, p.RepeatPenalty, p.FrequencyPenalty, p.PresencePenalty));
        if (p.IsGreedy)
        {
            Add(LlamaNative.llama_sampler_init_greedy());
            return;
        }
        if (p.TopK > 0)
            Add(LlamaNative.llama_sampler_init_top_k(p.TopK));
        if (p.TopP < 1f)
            Add(LlamaNative.llama_sampler_init_top_p(p.TopP, 1));
        if (p.MinP > 0f)
            Add(LlamaNative.llama_sampler_init_min_p(p.MinP, 1));
        Add(LlamaNative.llama_sampler_init_temp(p.Temperature));
        Add(LlamaNative.llama_sampler_init_dist(p.Seed ?? LlamaNative.LLAMA_DEFAULT_SEED));
    }

    private unsafe void AddLogitBias(int vocabularySize, IReadOnlyDictionary<int, float> bias)
    {
        var entries = new LlamaLogitBias[bias.Count];
        var i = 0;
        foreach (var (token, value) in bias)
        {
            if ((uint)token >= (uint)vocabularySize)
            {
                _chain.Dispose();
                throw new SamplerRejectedException($"'logit_bias' names token {token}, outside the vocabulary (0..{vocabularySize - 1}).", RequestPart.LogitBias);
            }
            entries[i++] = new LlamaLogitBias { token = token, bias = value };
        }
        fixed (LlamaLogitBias* e = entries)
            Add(LlamaNative.llama_sampler_init_logit_bias(vocabularySize, entries.Length, e));
    }

    private void Add(nint sampler) => LlamaNative.llama_sampler_chain_add(_chain, sampler);

    public int Sample(int batchIndex) => LlamaNative.llama_sampler_sample(_chain, _ctx, batchIndex);

    public void Dispose() => _chain.Dispose();
}
