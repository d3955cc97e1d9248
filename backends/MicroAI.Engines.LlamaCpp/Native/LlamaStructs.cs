using System.Runtime.InteropServices;

namespace MicroAI.Engines.LlamaCpp.Native;

// Layouts mirror include/llama.h of llama.cpp as shipped in node-llama-cpp 3.22.1 (tag v0.5.0).
// Sizes and offsets on 64-bit targets (checked by LlamaStructLayoutTests against values printed by a C
// program compiled with that header): llama_model_params 80, llama_context_params 160, llama_batch 56.
// C `bool` fields are declared as byte so the structs stay blittable.

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelParams
{
    public nint devices;                  // ggml_backend_dev_t*, NULL-terminated
    public nint tensor_buft_overrides;
    public int n_gpu_layers;              // negative = all layers
    public int split_mode;                // enum llama_split_mode
    public int load_mode;                 // enum llama_load_mode
    public int lazy_mode;                 // enum llama_lazy_mode
    public int main_gpu;
    public nint tensor_split;             // const float*
    public nint progress_callback;
    public nint progress_callback_user_data;
    public nint kv_overrides;
    public byte vocab_only;
    public byte check_tensors;
    public byte use_extra_bufts;
    public byte no_host;
    public byte no_alloc;
    public byte load_mtp;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaContextParams
{
    public uint n_ctx;
    public uint n_batch;
    public uint n_ubatch;
    public uint n_seq_max;
    public uint n_rs_seq;
    public uint n_outputs_max;
    public uint n_outputs_max_per_seq;
    public int n_threads;
    public int n_threads_batch;
    public int ctx_type;                  // enum llama_context_type
    public int rope_scaling_type;         // enum llama_rope_scaling_type
    public int pooling_type;              // enum llama_pooling_type
    public int attention_type;            // enum llama_attention_type
    public int flash_attn_type;           // enum llama_flash_attn_type
    public float rope_freq_base;
    public float rope_freq_scale;
    public float yarn_ext_factor;
    public float yarn_attn_factor;
    public float yarn_beta_fast;
    public float yarn_beta_slow;
    public uint yarn_orig_ctx;
    public float defrag_thold;
    public nint cb_eval;
    public nint cb_eval_user_data;
    public int type_k;                    // enum ggml_type
    public int type_v;
    public nint abort_callback;           // ggml_abort_callback
    public nint abort_callback_data;
    public byte embeddings;
    public byte offload_kqv;
    public byte no_perf;
    public byte op_offload;
    public byte swa_full;
    public byte kv_unified;
    public nint samplers;                 // llama_sampler_seq_config*
    public nuint n_samplers;
    public nint ctx_other;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatch
{
    public int n_tokens;
    public int* token;
    public float* embd;
    public int* pos;
    public int* n_seq_id;
    public int** seq_id;
    public sbyte* logits;
}

[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    public byte no_perf;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaChatMessage
{
    public byte* role;
    public byte* content;
}

internal enum GgmlLogLevel
{
    None = 0,
    Debug = 1,
    Info = 2,
    Warn = 3,
    Error = 4,
    Cont = 5,
}

internal enum GgmlBackendDeviceType
{
    Cpu = 0,
    Gpu = 1,
    IntegratedGpu = 2,
    Accelerator = 3,
    Meta = 4,
}

/// <summary>ggml.h struct ggml_threadpool_params (528 bytes: bool cpumask[GGML_MAX_N_THREADS = 512], then scalars).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GgmlThreadpoolParams
{
    public fixed byte cpumask[512];
    public int n_threads;
    public int prio;                      // enum ggml_sched_priority
    public uint poll;                     // 0 = no polling, 100 = aggressive
    public byte strict_cpu;
    public byte paused;
}

/// <summary>llama_logit_bias: 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaLogitBias
{
    public int token;
    public float bias;
}
