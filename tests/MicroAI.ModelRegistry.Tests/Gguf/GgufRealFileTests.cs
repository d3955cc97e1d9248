using MicroAI.ModelRegistry.Gguf;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Gguf;

/// <summary>The two real GGUFs in ../shared/models (numbers checked against an independent Python parse of the files).</summary>
public sealed class GgufRealFileTests
{
    [Fact]
    public void Stories260K_header_metadata_and_tensors()
    {
        var result = GgufReader.Read(TestPaths.Stories260K);

        Assert.True(result.IsSuccess, result.Error);
        var file = result.File;
        Assert.Equal(3, file.Version);
        Assert.Equal(19, file.Metadata.Count);
        Assert.Equal(48, file.Tensors.Count);
        Assert.Equal(32, file.Alignment);
        Assert.Equal(14176, file.DataOffset); // tensor infos end at 14152, padded to 32

        Assert.Equal("tokenizer.ggml.tokens", file.MetadataInFileOrder[0].Key);
        Assert.Equal("llama.attention.layer_norm_rms_epsilon", file.MetadataInFileOrder[^1].Key);
        var tokens = file.Metadata["tokenizer.ggml.tokens"];
        Assert.Equal(GgufValueType.String, tokens.ArrayElementType);
        Assert.Equal(512, tokens.ArrayLength);
        Assert.NotNull(tokens.ArrayElements); // 512 ≤ MaxStoredArrayElements (1024)
        Assert.Equal(["<unk>", "<s>", "</s>"], tokens.ArrayElements.Take(3).Select(t => t.AsString()));
        Assert.Equal(2048UL, file.GetUInt64("llama.context_length"));
        Assert.Equal(4294967295UL, file.GetUInt64("tokenizer.ggml.padding_token_id"));
        Assert.True(file.Metadata["llama.attention.layer_norm_rms_epsilon"].TryGetDouble(out var eps));
        Assert.Equal(1e-5, eps, 1e-9);

        var embd = file.Tensors[0];
        Assert.Equal("token_embd.weight", embd.Name);
        Assert.Equal([64L, 512L], embd.Dimensions);
        Assert.Equal(0, embd.GgmlType);
        Assert.Equal("F32", embd.TypeName);
        Assert.Equal(0, embd.Offset);
        Assert.Equal(32768, embd.ElementCount);
        Assert.Equal(131072, embd.ByteSize);
        var last = file.Tensors[^1];
        Assert.Equal("blk.4.ffn_norm.weight", last.Name);
        Assert.Equal(new FileInfo(TestPaths.Stories260K).Length, file.DataOffset + last.Offset + last.ByteSize);
    }

    [Fact]
    public void Stories260K_model_info_is_a_llama_that_completes_and_embeds()
    {
        var info = GgufModelInfo.From(GgufReader.Read(TestPaths.Stories260K).File!);

        Assert.Equal("llama", info.Architecture);
        Assert.Equal("llama", info.Name);
        Assert.Equal(292_800, info.ParameterCount); // what llama.cpp prints for it
        Assert.Null(info.FileType); // the file has no general.file_type …
        Assert.Equal("F32", info.Quantization); // … so it comes from the tensors
        Assert.Equal(2048, info.ContextLength);
        Assert.Equal(64, info.EmbeddingLength);
        Assert.Equal(5, info.BlockCount);
        Assert.Equal(8, info.HeadCount);
        Assert.Null(info.PoolingType);
        Assert.Null(info.ChatTemplate);
        Assert.Equal(512, info.VocabularySize);
        Assert.Equal("llama", info.TokenizerModel);
        Assert.False(info.HasClassifierHead);
        Assert.Equal(["completion", "embeddings"], info.InferCapabilities());
    }

    [Fact]
    public void Tiny_random_llama_keeps_only_the_length_of_its_32k_vocabulary()
    {
        var result = GgufReader.Read(TestPaths.TinyRandomLlama);

        Assert.True(result.IsSuccess, result.Error);
        var file = result.File;
        Assert.Equal(18, file.Metadata.Count);
        Assert.Equal(12, file.Tensors.Count);
        Assert.Equal(724416, file.DataOffset);
        foreach (var (key, type) in new[] { ("tokenizer.ggml.tokens", GgufValueType.String), ("tokenizer.ggml.scores", GgufValueType.Float32), ("tokenizer.ggml.token_type", GgufValueType.Int32) })
        {
            var array = file.Metadata[key];
            Assert.Equal(type, array.ArrayElementType);
            Assert.Equal(32000, array.ArrayLength);
            Assert.Null(array.ArrayElements);
            Assert.Equal(32000, file.GetArrayLength(key));
        }

        var info = GgufModelInfo.From(file);
        Assert.Equal("llama", info.Architecture);
        Assert.Equal("LLaMA v2", info.Name);
        Assert.Equal(513_048, info.ParameterCount);
        Assert.Equal(1, info.FileType);
        Assert.Equal("F16", info.Quantization);
        Assert.Equal(4096, info.ContextLength);
        Assert.Equal(8, info.EmbeddingLength);
        Assert.Equal(1, info.BlockCount);
        Assert.Equal(2, info.HeadCount);
        Assert.Equal(32000, info.VocabularySize);
        Assert.Equal("llama", info.TokenizerModel);
        Assert.Null(info.ChatTemplate);
        Assert.Equal(["completion", "embeddings"], info.InferCapabilities());
    }

    [Fact]
    public void Tiny_random_llama_vocabulary_is_stored_when_the_limit_allows()
    {
        var file = GgufReader.Read(TestPaths.TinyRandomLlama, new GgufReadOptions { MaxStoredArrayElements = 32000 }).File!;

        var tokens = file.Metadata["tokenizer.ggml.tokens"].ArrayElements;
        Assert.NotNull(tokens);
        Assert.Equal(32000, tokens.Count);
        Assert.Equal("<s>", tokens[1].AsString());
        Assert.All(tokens, t => Assert.Equal(GgufValueType.String, t.Type));
        Assert.Equal(32000, file.Metadata["tokenizer.ggml.scores"].ArrayElements!.Count);
    }

    [Fact]
    public void Reading_metadata_of_a_32k_vocabulary_model_allocates_little()
    {
        GgufReader.Read(TestPaths.TinyRandomLlama); // warm up
        var before = GC.GetAllocatedBytesForCurrentThread();

        var result = GgufReader.Read(TestPaths.TinyRandomLlama);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(result.IsSuccess, result.Error);
        // 64 KiB buffer + keys, names and small objects; the 3 × 32,000-element arrays are skipped, not stored.
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_stream_read_matches_the_path_read_even_at_an_offset_in_a_longer_stream(bool seekable)
    {
        var fromPath = GgufReader.Read(TestPaths.TinyRandomLlama).File!;
        var bytes = File.ReadAllBytes(TestPaths.TinyRandomLlama);
        var embedded = new byte[100 + bytes.Length + 50];
        bytes.CopyTo(embedded, 100);
        Stream stream = seekable ? new MemoryStream(embedded) : new NonSeekableStream(embedded);
        stream.ReadExactly(new byte[100]);

        var result = GgufReader.Read(stream, bytes.Length);

        Assert.True(result.IsSuccess, result.Error);
        var fromStream = result.File;
        Assert.Equal(fromPath.DataOffset, fromStream.DataOffset);
        Assert.Equal(fromPath.MetadataInFileOrder.Select(kv => kv.Key + "=" + kv.Value), fromStream.MetadataInFileOrder.Select(kv => kv.Key + "=" + kv.Value));
        Assert.Equal(fromPath.Tensors.Select(t => t.ToString()), fromStream.Tensors.Select(t => t.ToString()));
    }
}
