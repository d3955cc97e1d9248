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

/// <summary>
/// llama_model_quantize_params (64 bytes: four 4-byte enums/ints, six bools, then pointers from offset 24).
/// The pointer fields (importance matrix, KV overrides, tensor-type overrides, pruned layers) stay
/// NULL: MicroAI quantizes without an importance matrix, so types that need one are refused first.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelQuantizeParams
{
    public int nthread;                   // <= 0: std::thread::hardware_concurrency()
    public int ftype;                     // enum llama_ftype
    public int output_tensor_type;        // enum ggml_type; GGML_TYPE_COUNT (43) = the ftype's choice
    public int token_embedding_type;      // enum ggml_type; GGML_TYPE_COUNT = the ftype's choice
    public byte allow_requantize;
    public byte quantize_output_tensor;
    public byte only_copy;
    public byte pure;
    public byte keep_split;
    public byte dry_run;
    public nint imatrix;                  // const llama_model_imatrix_data*
    public nint kv_overrides;             // const llama_model_kv_override*
    public nint tt_overrides;             // const llama_model_tensor_override*
    public nint prune_layers;             // const int32_t*
    public nuint max_buf_size;            // 0 = 8 GiB
}

/// <summary>llama.h enum llama_ftype as the pinned release numbers it (retired numbers 4–6 and 33–35 absent).</summary>
internal enum LlamaFtype
{
    AllF32 = 0,
    MostlyF16 = 1,
    MostlyQ4_0 = 2,
    MostlyQ4_1 = 3,
    MostlyQ8_0 = 7,
    MostlyQ5_0 = 8,
    MostlyQ5_1 = 9,
    MostlyQ2_K = 10,
    MostlyQ3_K_S = 11,
    MostlyQ3_K_M = 12,
    MostlyQ3_K_L = 13,
    MostlyQ4_K_S = 14,
    MostlyQ4_K_M = 15,
    MostlyQ5_K_S = 16,
    MostlyQ5_K_M = 17,
    MostlyQ6_K = 18,
    MostlyIQ2_XXS = 19,
    MostlyIQ2_XS = 20,
    MostlyQ2_K_S = 21,
    MostlyIQ3_XS = 22,
    MostlyIQ3_XXS = 23,
    MostlyIQ1_S = 24,
    MostlyIQ4_NL = 25,
    MostlyIQ3_S = 26,
    MostlyIQ3_M = 27,
    MostlyIQ2_S = 28,
    MostlyIQ2_M = 29,
    MostlyIQ4_XS = 30,
    MostlyIQ1_M = 31,
    MostlyBF16 = 32,
    MostlyTQ1_0 = 36,
    MostlyTQ2_0 = 37,
    MostlyMXFP4_MOE = 38,
    MostlyNVFP4 = 39,
    MostlyQ1_0 = 40,
    MostlyQ2_0 = 41,
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
