using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp.Tests.Native;

/// <summary>
/// Sizes and offsets printed by a C program compiled with include/llama.h of the pinned release
/// (node-llama-cpp 3.22.1, llama.cpp v0.5.0) on x86_64.
/// </summary>
public sealed class LlamaStructLayoutTests
{
    public LlamaStructLayoutTests() => Assert.True(Environment.Is64BitProcess, "The recorded layouts are those of a 64-bit target.");

    [Fact]
    public void Model_params_match_llama_h()
    {
        AssertSize<LlamaModelParams>(80);
        AssertOffset<LlamaModelParams>(nameof(LlamaModelParams.devices), 0);
        AssertOffset<LlamaModelParams>(nameof(LlamaModelParams.n_gpu_layers), 16);
        AssertOffset<LlamaModelParams>(nameof(LlamaModelParams.main_gpu), 32);
        AssertOffset<LlamaModelParams>(nameof(LlamaModelParams.tensor_split), 40);
        AssertOffset<LlamaModelParams>(nameof(LlamaModelParams.kv_overrides), 64);
        AssertOffset<LlamaModelParams>(nameof(LlamaModelParams.vocab_only), 72);
        AssertOffset<LlamaModelParams>(nameof(LlamaModelParams.load_mtp), 77);
    }

    [Fact]
    public void Context_params_match_llama_h()
    {
        AssertSize<LlamaContextParams>(160);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.n_ctx), 0);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.n_threads), 28);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.ctx_type), 36);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.flash_attn_type), 52);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.rope_freq_base), 56);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.defrag_thold), 84);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.cb_eval), 88);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.type_k), 104);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.abort_callback), 112);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.embeddings), 128);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.kv_unified), 133);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.samplers), 136);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.n_samplers), 144);
        AssertOffset<LlamaContextParams>(nameof(LlamaContextParams.ctx_other), 152);
    }

    [Fact]
    public void Batch_matches_llama_h()
    {
        AssertSize<LlamaBatch>(56);
        AssertOffset<LlamaBatch>(nameof(LlamaBatch.n_tokens), 0);
        AssertOffset<LlamaBatch>(nameof(LlamaBatch.token), 8);
        AssertOffset<LlamaBatch>(nameof(LlamaBatch.logits), 48);
    }

    [Fact]
    public void Sampler_chain_params_and_chat_message_match_llama_h()
    {
        AssertSize<LlamaSamplerChainParams>(1);
        AssertSize<LlamaChatMessage>(16);
        AssertOffset<LlamaChatMessage>(nameof(LlamaChatMessage.content), 8);
    }

    private static void AssertSize<T>(int expected) where T : struct
    {
        Assert.Equal(expected, Marshal.SizeOf<T>());
        Assert.Equal(expected, Unsafe.SizeOf<T>());
    }

    private static void AssertOffset<T>(string field, int expected) =>
        Assert.True(expected == (int)Marshal.OffsetOf<T>(field), $"{typeof(T).Name}.{field}: expected offset {expected}, got {Marshal.OffsetOf<T>(field)}");
}
