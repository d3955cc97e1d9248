using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// Bytes a GGUF model will take once loaded, from its metadata, before loading it: the weights
/// (the file, mapped), the KV cache (2 × layers × context × KV width × 2 bytes of f16) and a compute
/// buffer margin. On the 125M benchmark model with 2 × 2048 tokens: 127 MiB + 48 MiB + 32 MiB.
/// </summary>
internal static class GgufMemoryEstimate
{
    public static long Estimate(ModelEntry entry, int contextTokensTotal)
    {
        var weights = entry.SizeBytes;
        var read = GgufReader.Read(entry.Path);
        if (read.File is not { } file)
            return weights + IModelEngine.ComputeMarginBytes;
        var info = GgufModelInfo.From(file);
        var arch = info.Architecture ?? "llama";
        var layers = info.BlockCount ?? 0;
        var embd = info.EmbeddingLength ?? 0;
        var heads = (long?)file.GetUInt64($"{arch}.attention.head_count") ?? info.HeadCount ?? 1;
        var kvHeads = (long?)file.GetUInt64($"{arch}.attention.head_count_kv") ?? heads;
        var kvWidth = heads > 0 ? embd * kvHeads / heads : embd;
        var kv = 2L * layers * contextTokensTotal * kvWidth * 2;
        return weights + kv + IModelEngine.ComputeMarginBytes;
    }

    /// <summary>The GGUF's block count (0 when unknown).</summary>
    public static int LayerCount(ModelEntry entry)
    {
        var read = GgufReader.Read(entry.Path);
        return read.File is { } file ? (int)(GgufModelInfo.From(file).BlockCount ?? 0) : 0;
    }
}
