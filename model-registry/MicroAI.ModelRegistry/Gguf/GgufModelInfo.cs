namespace MicroAI.ModelRegistry.Gguf;

/// <summary>
/// What a GGUF says about its model, from the metadata keys llama.cpp writes (general.*, {arch}.*,
/// tokenizer.*) and the tensor infos. Every property is null when the file does not say.
/// </summary>
public sealed record GgufModelInfo
{
    /// <summary>general.architecture, e.g. "llama", "qwen3", "bert".</summary>
    public string? Architecture { get; init; }

    /// <summary>general.name.</summary>
    public string? Name { get; init; }

    /// <summary>The sum of every tensor's element count.</summary>
    public long ParameterCount { get; init; }

    /// <summary>general.file_type: llama.cpp's llama_ftype (the guessed flag 1024 removed); null when absent.</summary>
    public int? FileType { get; init; }

    /// <summary>
    /// "Q4_K_M", "F16", …: the name of <see cref="FileType"/>, or when that is absent the ggml type of most
    /// 2-D weight tensors ("Q4_K", "F32"); null when neither is known.
    /// </summary>
    public string? Quantization { get; init; }

    public long? ContextLength { get; init; }

    public long? EmbeddingLength { get; init; }

    public long? BlockCount { get; init; }

    /// <summary>{arch}.attention.head_count; the largest entry when it is a per-layer array.</summary>
    public long? HeadCount { get; init; }

    /// <summary>{arch}.pooling_type: "none", "mean", "cls", "last" or "rank"; null when absent or unknown.</summary>
    public string? PoolingType { get; init; }

    /// <summary>tokenizer.chat_template (a Jinja template).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The length of tokenizer.ggml.tokens.</summary>
    public long? VocabularySize { get; init; }

    /// <summary>tokenizer.ggml.model: "llama" (SentencePiece), "gpt2" (byte-level BPE), "bert" (WordPiece), …</summary>
    public string? TokenizerModel { get; init; }

    /// <summary>A classification head (tensor cls.weight or cls.output.weight) or rank pooling: a reranker.</summary>
    public bool HasClassifierHead { get; init; }

    /// <summary>{arch}.attention.causal; encoders write false.</summary>
    public bool? CausalAttention { get; init; }

    /// <summary>The number of tensors; 0 for a vocabulary-only GGUF.</summary>
    public int TensorCount { get; init; }

    // Text encoders in llama.cpp (llama-arch.cpp): bidirectional attention, no next-token head, so
    // they embed (or, with a classifier head, rank) but cannot complete text.
    private static readonly HashSet<string> s_encoderArchitectures = new(StringComparer.OrdinalIgnoreCase)
    {
        "bert", "modern-bert", "nomic-bert", "nomic-bert-moe", "neo-bert", "jina-bert-v2", "jina-bert-v3",
        "eurobert", "t5encoder", "gemma-embedding", "llama-embed",
    };

    // Not text models: "clip" is a multimodal projector (mmproj) and "wavtokenizer-dec" a TTS vocoder;
    // both are loaded beside a language model and serve nothing on their own.
    private static readonly HashSet<string> s_companionArchitectures = new(StringComparer.OrdinalIgnoreCase)
    {
        "clip", "wavtokenizer-dec",
    };

    public static GgufModelInfo From(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var arch = file.GetString("general.architecture");
        var fileType = file.GetUInt64("general.file_type") is { } ft and <= int.MaxValue
            ? (int)ft & ~LlamaFtypeGuessed
            : (int?)null;
        var pooling = arch is null ? null : file.GetUInt64(arch + ".pooling_type") switch
        {
            0 => "none",
            1 => "mean",
            2 => "cls",
            3 => "last",
            4 => "rank",
            _ => null,
        };

        long parameters = 0;
        var classifier = pooling == "rank";
        foreach (var t in file.Tensors)
        {
            parameters += t.ElementCount;
            classifier |= t.Name is "cls.weight" or "cls.output.weight";
        }

        return new GgufModelInfo
        {
            Architecture = arch,
            Name = file.GetString("general.name"),
            ParameterCount = parameters,
            FileType = fileType,
            Quantization = fileType is { } known ? FileTypeName(known) : MostCommonWeightType(file.Tensors),
            ContextLength = ArchLong(file, arch, "context_length"),
            EmbeddingLength = ArchLong(file, arch, "embedding_length"),
            BlockCount = ArchLong(file, arch, "block_count"),
            HeadCount = ArchLong(file, arch, "attention.head_count"),
            PoolingType = pooling,
            ChatTemplate = file.GetString("tokenizer.chat_template"),
            VocabularySize = file.GetArrayLength("tokenizer.ggml.tokens"),
            TokenizerModel = file.GetString("tokenizer.ggml.model"),
            HasClassifierHead = classifier,
            CausalAttention = arch is not null && file.Metadata.TryGetValue(arch + ".attention.causal", out var c) && c.TryGetBoolean(out var causal)
                ? causal
                : null,
            TensorCount = file.Tensors.Count,
        };
    }

    /// <summary>
    /// What the model can serve, among "completion", "chat", "embeddings" and "rerank":
    /// rerank with a classifier head or rank pooling; embeddings for every model but a reranker (rank
    /// pooling outputs a score; a decoder without a pooling type of its own is mean-pooled, as
    /// Ollama embeds with any model); completion for every decoder; chat when a
    /// decoder also carries a chat template. A file without an architecture or without tensors
    /// (llama.cpp's vocabulary-only GGUFs) serves nothing.
    /// </summary>
    public IReadOnlyList<string> InferCapabilities()
    {
        if (Architecture is null || TensorCount == 0 || s_companionArchitectures.Contains(Architecture))
            return [];

        // A new encoder architecture is still recognised by the causal=false flag llama.cpp's converters write.
        var encoder = s_encoderArchitectures.Contains(Architecture) || CausalAttention == false;
        var capabilities = new List<string>(4);
        if (!encoder)
        {
            capabilities.Add(ModelCapability.Completion);
            if (!string.IsNullOrEmpty(ChatTemplate))
                capabilities.Add(ModelCapability.Chat);
        }

        if (PoolingType != "rank")
            capabilities.Add(ModelCapability.Embeddings);
        if (HasClassifierHead)
            capabilities.Add(ModelCapability.Rerank);
        return capabilities;
    }

    // llama.cpp ORs LLAMA_FTYPE_GUESSED (1024) into a file type it inferred rather than read.
    private const int LlamaFtypeGuessed = 1024;

    /// <summary>llama.cpp's llama_ftype numbering (LLAMA_FTYPE_MOSTLY_*); numbers it retired are absent.</summary>
    private static string FileTypeName(int fileType) => fileType switch
    {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        4 => "Q4_1_SOME_F16",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        19 => "IQ2_XXS",
        20 => "IQ2_XS",
        21 => "Q2_K_S",
        22 => "IQ3_XS",
        23 => "IQ3_XXS",
        24 => "IQ1_S",
        25 => "IQ4_NL",
        26 => "IQ3_S",
        27 => "IQ3_M",
        28 => "IQ2_S",
        29 => "IQ2_M",
        30 => "IQ4_XS",
        31 => "IQ1_M",
        32 => "BF16",
        36 => "TQ1_0",
        37 => "TQ2_0",
        38 => "MXFP4_MOE",
        _ => $"unknown file type {fileType}",
    };

    /// <summary>
    /// The ggml type of most 2-D weight matrices. Those carry nearly all parameters; 1-D norms and biases
    /// stay F32 in every quantization, and the embedding/output matrices are often kept at higher precision.
    /// </summary>
    private static string? MostCommonWeightType(IReadOnlyList<GgufTensorInfo> tensors)
    {
        var counts = new Dictionary<int, int>();
        int? best = null;
        foreach (var t in tensors)
        {
            if (t.Dimensions.Count != 2 || !t.Name.EndsWith(".weight", StringComparison.Ordinal))
                continue;
            var n = counts[t.GgmlType] = counts.GetValueOrDefault(t.GgmlType) + 1;
            // Ties go to the type seen first, so the answer does not depend on dictionary order.
            if (best is null || n > counts[best.Value])
                best = t.GgmlType;
        }

        return best is { } type ? GgmlTypes.Name(type) : null;
    }

    private static long? ArchLong(GgufFile file, string? arch, string suffix)
    {
        if (arch is null || !file.Metadata.TryGetValue(arch + "." + suffix, out var value))
            return null;
        if (value.TryGetInt64(out var scalar))
            return scalar;
        // Some architectures (OpenELM, Jamba-like hybrids) store a per-layer array, e.g. head counts.
        long? max = null;
        foreach (var element in value.ArrayElements ?? [])
        {
            if (element.TryGetInt64(out var v) && (max is null || v > max))
                max = v;
        }

        return max;
    }
}
