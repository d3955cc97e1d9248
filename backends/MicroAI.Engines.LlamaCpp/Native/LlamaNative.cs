using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MicroAI.Engines.LlamaCpp.Native;

/// <summary>
/// Source-generated P/Invoke declarations for the subset of llama.h (and ggml-backend.h) MicroAI uses.
/// Names and signatures follow the C header one to one; no logic lives here.
/// </summary>
internal static unsafe partial class LlamaNative
{
    internal const string LlamaLib = "llama";
    internal const string GgmlLib = "ggml";
    internal const string GgmlBaseLib = "ggml-base";

    public const uint LLAMA_DEFAULT_SEED = 0xFFFFFFFF;
    public const int LLAMA_TOKEN_NULL = -1;

    // ---- backend / process ----
    [LibraryImport(LlamaLib)] public static partial void llama_backend_init();
    [LibraryImport(LlamaLib)] public static partial void llama_backend_free();
    [LibraryImport(LlamaLib)] public static partial byte* llama_version();
    [LibraryImport(LlamaLib)] public static partial byte* llama_print_system_info();
    [LibraryImport(LlamaLib)] public static partial nuint llama_max_parallel_sequences();
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_supports_gpu_offload();
    [LibraryImport(LlamaLib)] public static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback, void* userData);

    [LibraryImport(GgmlLib, StringMarshalling = StringMarshalling.Utf8)] public static partial void ggml_backend_load_all_from_path(string dirPath);
    [LibraryImport(GgmlLib)] public static partial nuint ggml_backend_dev_count();
    [LibraryImport(GgmlLib)] public static partial nint ggml_backend_dev_get(nuint index);
    [LibraryImport(GgmlLib)] public static partial byte* ggml_backend_dev_name(nint device);
    [LibraryImport(GgmlLib)] public static partial byte* ggml_backend_dev_description(nint device);
    [LibraryImport(GgmlLib)] public static partial void ggml_backend_dev_memory(nint device, nuint* free, nuint* total);
    [LibraryImport(GgmlLib)] public static partial int ggml_backend_dev_type(nint device);
    [LibraryImport(GgmlLib)] public static partial nint ggml_backend_dev_by_type(int type);
    [LibraryImport(GgmlLib)] public static partial nint ggml_backend_dev_backend_reg(nint device);
    [LibraryImport(GgmlLib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint ggml_backend_reg_get_proc_address(nint reg, string name);
    [LibraryImport(GgmlBaseLib)] public static partial GgmlThreadpoolParams ggml_threadpool_params_default(int nThreads);

    // ---- default parameters ----
    [LibraryImport(LlamaLib)] public static partial LlamaModelParams llama_model_default_params();
    [LibraryImport(LlamaLib)] public static partial LlamaContextParams llama_context_default_params();
    [LibraryImport(LlamaLib)] public static partial LlamaSamplerChainParams llama_sampler_chain_default_params();
    [LibraryImport(LlamaLib)] public static partial LlamaModelQuantizeParams llama_model_quantize_default_params();

    // ---- model ----
    [LibraryImport(LlamaLib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint llama_model_load_from_file(string pathModel, LlamaModelParams parameters);
    [LibraryImport(LlamaLib)] public static partial void llama_model_free(nint model);
    [LibraryImport(LlamaLib)] public static partial nint llama_model_get_vocab(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] public static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] public static partial int llama_model_n_embd(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] public static partial int llama_model_n_layer(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] public static partial ulong llama_model_n_params(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] public static partial ulong llama_model_size(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] public static partial int llama_model_desc(SafeLlamaModelHandle model, byte* buf, nuint bufSize);
    [LibraryImport(LlamaLib)] public static partial byte* llama_model_chat_template(SafeLlamaModelHandle model, byte* name);
    [LibraryImport(LlamaLib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int llama_model_meta_val_str(SafeLlamaModelHandle model, string key, byte* buf, nuint bufSize);
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_model_has_encoder(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_model_has_decoder(SafeLlamaModelHandle model);
    /// <summary>Returns 0 on success; a failure's reason goes to the log callback ("failed to quantize: …").</summary>
    [LibraryImport(LlamaLib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint llama_model_quantize(string fnameInp, string fnameOut, LlamaModelQuantizeParams* parameters);

    // ---- context ----
    [LibraryImport(LlamaLib)] public static partial nint llama_init_from_model(SafeLlamaModelHandle model, LlamaContextParams parameters);
    [LibraryImport(LlamaLib)] public static partial void llama_free(nint ctx);
    [LibraryImport(LlamaLib)] public static partial uint llama_n_ctx(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial uint llama_n_ctx_seq(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial uint llama_n_batch(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial uint llama_n_seq_max(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial nint llama_get_memory(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial void llama_memory_clear(nint mem, [MarshalAs(UnmanagedType.U1)] bool data);
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_memory_seq_rm(nint mem, int seqId, int p0, int p1);
    [LibraryImport(LlamaLib)] public static partial int llama_memory_seq_pos_max(nint mem, int seqId);
    [LibraryImport(LlamaLib)] public static partial void llama_memory_seq_cp(nint mem, int seqIdSrc, int seqIdDst, int p0, int p1);
    [LibraryImport(LlamaLib)] public static partial int llama_decode(SafeLlamaContextHandle ctx, LlamaBatch batch);
    [LibraryImport(LlamaLib)] public static partial nuint llama_state_seq_get_size(SafeLlamaContextHandle ctx, int seqId);
    [LibraryImport(LlamaLib)] public static partial nuint llama_state_seq_get_data(SafeLlamaContextHandle ctx, byte* dst, nuint size, int seqId);
    [LibraryImport(LlamaLib)] public static partial nuint llama_state_seq_set_data(SafeLlamaContextHandle ctx, byte* src, nuint size, int destSeqId);
    [LibraryImport(LlamaLib)] public static partial float* llama_get_logits_ith(SafeLlamaContextHandle ctx, int i);
    [LibraryImport(LlamaLib)] public static partial float* llama_get_logits(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial float* llama_get_embeddings_seq(SafeLlamaContextHandle ctx, int seqId);
    [LibraryImport(LlamaLib)] public static partial int llama_pooling_type(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial uint llama_model_n_cls_out(SafeLlamaModelHandle model);
    [LibraryImport(LlamaLib)] public static partial void llama_attach_threadpool(SafeLlamaContextHandle ctx, nint threadpool, nint threadpoolBatch);
    [LibraryImport(LlamaLib)] public static partial void llama_detach_threadpool(SafeLlamaContextHandle ctx);
    [LibraryImport(LlamaLib)] public static partial void llama_set_abort_callback(SafeLlamaContextHandle ctx, delegate* unmanaged[Cdecl]<void*, byte> callback, void* data);

    // ---- batch ----
    [LibraryImport(LlamaLib)] public static partial LlamaBatch llama_batch_init(int nTokens, int embd, int nSeqMax);
    [LibraryImport(LlamaLib)] public static partial void llama_batch_free(LlamaBatch batch);

    // ---- vocabulary (llama_vocab* is owned by the model) ----
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_n_tokens(nint vocab);
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_bos(nint vocab);
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_eos(nint vocab);
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_eot(nint vocab);
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_vocab_is_eog(nint vocab, int token);
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_vocab_get_add_bos(nint vocab);
    [LibraryImport(LlamaLib)] public static partial byte* llama_vocab_get_text(nint vocab, int token);
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_sep(nint vocab);
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_fim_pre(nint vocab);
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_fim_suf(nint vocab);
    [LibraryImport(LlamaLib)] public static partial int llama_vocab_fim_mid(nint vocab);
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_vocab_get_add_eos(nint vocab);
    [LibraryImport(LlamaLib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_vocab_get_add_sep(nint vocab);
    [LibraryImport(LlamaLib)]
    public static partial int llama_tokenize(nint vocab, byte* text, int textLen, int* tokens, int nTokensMax,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);
    [LibraryImport(LlamaLib)]
    public static partial int llama_token_to_piece(nint vocab, int token, byte* buf, int length, int lstrip,
        [MarshalAs(UnmanagedType.U1)] bool special);

    // ---- chat templates (llama.cpp's built-in, non-Jinja template matcher) ----
    [LibraryImport(LlamaLib)]
    public static partial int llama_chat_apply_template(byte* tmpl, LlamaChatMessage* chat, nuint nMsg,
        [MarshalAs(UnmanagedType.U1)] bool addAssistant, byte* buf, int length);

    // ---- sampling ----
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_chain_init(LlamaSamplerChainParams parameters);
    [LibraryImport(LlamaLib)] public static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, nint sampler);
    [LibraryImport(LlamaLib)] public static partial void llama_sampler_free(nint sampler);
    [LibraryImport(LlamaLib)] public static partial int llama_sampler_sample(SafeLlamaSamplerHandle sampler, SafeLlamaContextHandle ctx, int idx);
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_init_greedy();
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_init_dist(uint seed);
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_init_top_k(int k);
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_init_top_p(float p, nuint minKeep);
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_init_min_p(float p, nuint minKeep);
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_init_temp(float t);
    [LibraryImport(LlamaLib)] public static partial nint llama_sampler_init_logit_bias(int nVocab, int nLogitBias, LlamaLogitBias* logitBias);
    [LibraryImport(LlamaLib, StringMarshalling = StringMarshalling.Utf8)] public static partial nint llama_sampler_init_grammar(nint vocab, string grammarStr, string grammarRoot);
    [LibraryImport(LlamaLib)]
    public static partial nint llama_sampler_init_penalties(int nVocab, int penaltyLastN, float penaltyRepeat, float penaltyFreq, float penaltyPresent);

    public static string? PtrToString(byte* p) => p == null ? null : Marshal.PtrToStringUTF8((nint)p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte ToByte(bool value) => value ? (byte)1 : (byte)0;
}
