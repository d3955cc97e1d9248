using MicroAI.ModelRegistry.Gguf;

namespace MicroAI.ModelRegistry.Tests.Gguf;

public sealed class GgufModelInfoTests
{
    [Fact]
    public void Bert_with_mean_pooling_embeds()
    {
        var info = Info(Model("bert").Add("bert.pooling_type", 1u).Add("tokenizer.ggml.model", "bert"));

        Assert.Equal("mean", info.PoolingType);
        Assert.False(info.HasClassifierHead);
        Assert.Equal(["embeddings"], info.InferCapabilities());
    }

    [Fact]
    public void Rank_pooling_reranks()
    {
        var info = Info(Model("bert").Add("bert.pooling_type", 4u).AddTensor("cls.output.weight", 0, 8, 1));

        Assert.Equal("rank", info.PoolingType);
        Assert.True(info.HasClassifierHead);
        Assert.Equal(["rerank"], info.InferCapabilities());
    }

    [Fact]
    public void Rank_pooling_alone_marks_a_classifier_head()
    {
        var info = Info(Model("xlm-like-encoder").Add("xlm-like-encoder.pooling_type", 4u).Add("xlm-like-encoder.attention.causal", GgufValue.FromBool(false)));

        Assert.True(info.HasClassifierHead);
        Assert.Equal(["rerank"], info.InferCapabilities());
    }

    [Fact]
    public void A_classifier_tensor_without_rank_pooling_still_reranks()
    {
        var info = Info(Model("bert").AddTensor("cls.weight", 0, 8, 8));

        Assert.Null(info.PoolingType);
        Assert.Equal(["embeddings", "rerank"], info.InferCapabilities());
    }

    [Fact]
    public void Llama_with_a_chat_template_completes_and_chats()
    {
        var info = Info(Model("llama").Add("tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}"));

        Assert.Equal("{% for m in messages %}{{ m.content }}{% endfor %}", info.ChatTemplate);
        Assert.Equal(["completion", "chat", "embeddings"], info.InferCapabilities());
    }

    [Fact]
    public void Llama_without_a_chat_template_completes_and_embeds_but_does_not_chat()
    {
        Assert.Equal(["completion", "embeddings"], Info(Model("llama")).InferCapabilities());
        Assert.Equal(["completion", "embeddings"], Info(Model("llama").Add("tokenizer.chat_template", "")).InferCapabilities());
    }

    [Fact]
    public void A_decoder_with_last_token_pooling_completes_and_embeds()
    {
        // e.g. Qwen3-Embedding: a decoder architecture converted with pooling "last".
        var info = Info(Model("qwen3").Add("qwen3.pooling_type", 3u));

        Assert.Equal("last", info.PoolingType);
        Assert.Equal(["completion", "embeddings"], info.InferCapabilities());
    }

    [Fact]
    public void A_new_encoder_is_recognised_by_non_causal_attention()
    {
        var info = Info(Model("future-bert").Add("future-bert.attention.causal", GgufValue.FromBool(false)).Add("future-bert.pooling_type", 2u));

        Assert.False(info.CausalAttention);
        Assert.Equal(["embeddings"], info.InferCapabilities());
    }

    [Fact]
    public void Projectors_vocabulary_only_files_and_files_without_an_architecture_serve_nothing()
    {
        Assert.Empty(Info(Model("clip")).InferCapabilities());
        Assert.Empty(Info(new GgufWriter().Add("general.architecture", "llama").AddStrings("tokenizer.ggml.tokens", ["a"])).InferCapabilities());
        Assert.Empty(Info(new GgufWriter().AddTensor("w.weight", 0, 4, 4)).InferCapabilities());
    }

    [Theory]
    [InlineData(0u, "none")]
    [InlineData(1u, "mean")]
    [InlineData(2u, "cls")]
    [InlineData(3u, "last")]
    [InlineData(4u, "rank")]
    [InlineData(9u, null)]
    public void Pooling_types_are_named(uint value, string? expected) =>
        Assert.Equal(expected, Info(Model("bert").Add("bert.pooling_type", value)).PoolingType);

    [Theory]
    [InlineData(15, "Q4_K_M")]
    [InlineData(7, "Q8_0")]
    [InlineData(0, "F32")]
    [InlineData(32, "BF16")]
    [InlineData(38, "MXFP4_MOE")]
    [InlineData(99, "unknown file type 99")]
    public void The_file_type_names_the_quantization(int fileType, string expected)
    {
        var info = Info(Model("llama").Add("general.file_type", GgufValue.FromInt32(fileType)));

        Assert.Equal(fileType, info.FileType);
        Assert.Equal(expected, info.Quantization);
    }

    [Fact]
    public void A_guessed_file_type_drops_the_guessed_flag()
    {
        var info = Info(Model("llama").Add("general.file_type", 1024u + 18));

        Assert.Equal(18, info.FileType);
        Assert.Equal("Q6_K", info.Quantization);
    }

    [Fact]
    public void Without_a_file_type_the_quantization_is_the_commonest_type_of_2d_weights()
    {
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .AddTensor("token_embd.weight", 14, 256, 4)   // Q6_K
            .AddTensor("output.weight", 14, 256, 4)       // Q6_K
            .AddTensor("output_norm.weight", 0, 256)      // F32, 1-D: ignored
            .AddTensor("blk.0.attn_norm.weight", 0, 256)
            .AddTensor("blk.0.ffn_norm.weight", 0, 256);
        for (var i = 0; i < 3; i++)
            writer.AddTensor($"blk.0.w{i}.weight", 12, 256, 2); // Q4_K

        var info = Info(writer);

        Assert.Null(info.FileType);
        Assert.Equal("Q4_K", info.Quantization);
        Assert.Equal(2 * 1024 + 3 * 256 + 3 * 512, info.ParameterCount);
    }

    [Fact]
    public void Architecture_keys_are_read_whatever_their_integer_type_and_head_count_may_be_per_layer()
    {
        var info = Info(Model("openelm")
            .Add("general.name", "Tiny")
            .Add("openelm.context_length", GgufValue.FromUInt64(131072))
            .Add("openelm.embedding_length", GgufValue.FromInt32(1024))
            .Add("openelm.block_count", GgufValue.FromUInt16(16))
            .Add("openelm.attention.head_count", GgufValue.FromArray(GgufValueType.Int32, [GgufValue.FromInt32(12), GgufValue.FromInt32(20), GgufValue.FromInt32(16)]))
            .AddStrings("tokenizer.ggml.tokens", Enumerable.Range(0, 3000).Select(i => "t" + i))
            .Add("tokenizer.ggml.model", "gpt2"));

        Assert.Equal("Tiny", info.Name);
        Assert.Equal(131072, info.ContextLength);
        Assert.Equal(1024, info.EmbeddingLength);
        Assert.Equal(16, info.BlockCount);
        Assert.Equal(20, info.HeadCount);
        Assert.Equal(3000, info.VocabularySize); // not stored (over 1024), but its length is known
        Assert.Equal("gpt2", info.TokenizerModel);
    }

    private static GgufWriter Model(string architecture) =>
        new GgufWriter().Add("general.architecture", architecture).AddTensor("token_embd.weight", 0, 8, 4);

    private static GgufModelInfo Info(GgufWriter writer) => GgufModelInfo.From(GgufAssert.Reads(writer.ToArray()));
}
