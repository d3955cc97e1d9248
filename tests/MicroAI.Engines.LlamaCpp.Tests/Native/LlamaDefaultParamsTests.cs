using MicroAI.Engines.LlamaCpp.Native;

namespace MicroAI.Engines.LlamaCpp.Tests.Native;

/// <summary>
/// The defaults the pinned native library returns (recorded from it): if a field were read at the
/// wrong offset these would come back as garbage.
/// </summary>
public sealed class LlamaDefaultParamsTests
{
    public LlamaDefaultParamsTests() => LlamaTestRuntime.EnsureInitialised();

    [Fact]
    public void Model_default_params()
    {
        var p = LlamaNative.llama_model_default_params();

        Assert.Equal(-1, p.n_gpu_layers);
        Assert.Equal(1, p.split_mode);
        Assert.Equal(-1, p.load_mode);
        Assert.Equal(1, p.lazy_mode);
        Assert.Equal(0, p.main_gpu);
        Assert.Equal(0, p.vocab_only);
        Assert.Equal(1, p.use_extra_bufts);
        Assert.Equal(0, p.devices);
        Assert.Equal(0, p.kv_overrides);
    }

    [Fact]
    public void Context_default_params()
    {
        var p = LlamaNative.llama_context_default_params();

        Assert.Equal(512u, p.n_ctx);
        Assert.Equal(2048u, p.n_batch);
        Assert.Equal(512u, p.n_ubatch);
        Assert.Equal(1u, p.n_seq_max);
        Assert.Equal(4, p.n_threads);
        Assert.Equal(4, p.n_threads_batch);
        Assert.Equal(-1, p.rope_scaling_type);
        Assert.Equal(-1, p.pooling_type);
        Assert.Equal(-1, p.attention_type);
        Assert.Equal(-1, p.flash_attn_type);
        Assert.Equal(-1f, p.yarn_ext_factor);
        Assert.Equal(1, p.type_k);
        Assert.Equal(1, p.type_v);
        Assert.Equal(1, p.offload_kqv);
        Assert.Equal(1, p.no_perf);
        Assert.Equal(1, p.op_offload);
        Assert.Equal(1, p.swa_full);
        Assert.Equal(0, p.kv_unified);
        Assert.Equal(0u, p.n_samplers);
        Assert.Equal(0, p.samplers);
        Assert.Equal(0, p.cb_eval);
        Assert.Equal(0, p.abort_callback);
    }

    [Fact]
    public void Sampler_chain_default_params()
    {
        var p = LlamaNative.llama_sampler_chain_default_params();

        Assert.True(p.no_perf is 0 or 1);
    }

    [Fact]
    public void Runtime_reports_version_and_a_cpu_device()
    {
        Assert.False(string.IsNullOrEmpty(LlamaRuntime.Version));
        Assert.Contains(LlamaRuntime.Devices, d => d.Type == "cpu");
    }
}
