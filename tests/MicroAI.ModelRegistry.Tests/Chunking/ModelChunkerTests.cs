using System.Security.Cryptography;
using MicroAI.ModelRegistry.Chunking;
using MicroAI.ModelRegistry.Gguf;
using MicroAI.ModelRegistry.Tests.Gguf;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Chunking;

public sealed class ModelChunkerTests : IDisposable
{
    private readonly TempModelsDirectory _temp = new();

    [Fact]
    public void A_gguf_is_cut_into_its_header_then_on_tensor_starts()
    {
        var file = GgufReader.Read(TestPaths.Stories260K).File!;

        var spans = ModelChunker.Plan(TestPaths.Stories260K, "gguf");

        AssertCovers(spans, new FileInfo(TestPaths.Stories260K).Length);
        Assert.Equal(new ChunkSpan(0, file.DataOffset), spans[0]);
        // Every chunk after the header starts where a tensor starts; every tensor of 16 KiB or more starts a chunk.
        var starts = file.Tensors.Select(t => file.DataOffset + t.Offset).ToHashSet();
        Assert.All(spans.Skip(1), s => Assert.Contains(s.Offset, starts));
        Assert.All(file.Tensors.Where(t => t.ByteSize >= 16 * 1024), t => Assert.Contains(spans, s => s.Offset == file.DataOffset + t.Offset));
    }

    [Fact]
    public void Small_neighbouring_tensors_share_a_chunk_and_a_large_tensor_is_cut_into_8_MiB_pieces()
    {
        var writer = new GgufWriter()
            .Add("general.architecture", "llama")
            .AddTensor("norm_a", 0, 256)          // 1 KiB
            .AddTensor("norm_b", 0, 256)          // 1 KiB
            .AddTensor("big", 0, 1024, 2304)      // 9 MiB
            .AddTensor("proj", 0, 64, 128)        // 32 KiB
            .AddTensor("norm_c", 0, 256);         // 1 KiB, last
        var path = writer.Save(Path.Combine(_temp.Path, "m.gguf"));
        var file = GgufReader.Read(path).File!;
        var at = writer.TensorOffsets.Select(o => file.DataOffset + o).ToArray();
        var length = new FileInfo(path).Length;

        var spans = ModelChunker.Plan(path, "gguf");

        Assert.Equal(
        [
            new ChunkSpan(0, file.DataOffset),
            new ChunkSpan(at[0], at[2] - at[0]),                 // norm_a + norm_b
            new ChunkSpan(at[2], 8 << 20),
            new ChunkSpan(at[2] + (8 << 20), at[3] - at[2] - (8 << 20)),
            new ChunkSpan(at[3], at[4] - at[3]),                 // proj, alone: above the group target
            new ChunkSpan(at[4], length - at[4]),
        ], spans);
    }

    [Fact]
    public void A_new_chat_template_changes_only_the_header_chunk()
    {
        var v2 = Path.Combine(_temp.Path, "v2.gguf");
        GgufFileEditor.SetString(TestPaths.Stories260K, v2, "tokenizer.chat_template", "{{ messages[0].content }}");
        var v3 = Path.Combine(_temp.Path, "v3.gguf");
        GgufFileEditor.SetString(v2, v3, "tokenizer.chat_template", "{% for m in messages %}{{ m.role }}: {{ m.content }}\n{% endfor %}");

        var d1 = ModelChunker.Digest(TestPaths.Stories260K, ModelChunker.Plan(TestPaths.Stories260K, "gguf"));
        var d2 = ModelChunker.Digest(v2, ModelChunker.Plan(v2, "gguf"));
        var d3 = ModelChunker.Digest(v3, ModelChunker.Plan(v3, "gguf"));

        var edited = GgufReader.Read(v2).File!;
        Assert.Equal("{{ messages[0].content }}", edited.GetString("tokenizer.chat_template"));
        Assert.Equal(edited.DataOffset, GgufFileEditor.Read(v2).DataOffset);
        Assert.Equal(GgufReader.Read(TestPaths.Stories260K).File!.Tensors.Select(t => t.Offset), edited.Tensors.Select(t => t.Offset));
        Assert.Equal(d1.Count, d2.Count);
        Assert.Equal(d1.Count, d3.Count);
        Assert.NotEqual(d1[0].Digest, d2[0].Digest);
        Assert.NotEqual(d2[0].Digest, d3[0].Digest);
        Assert.Equal(d1.Skip(1).Select(d => d.Digest), d2.Skip(1).Select(d => d.Digest));
        Assert.Equal(d1.Skip(1).Select(d => d.Digest), d3.Skip(1).Select(d => d.Digest));
    }

    [Fact]
    public void Content_defined_chunks_cover_the_file_within_the_size_bounds()
    {
        var path = WriteRandom("data.bin", 8 << 20, seed: 1);

        var spans = ModelChunker.Plan(path, "onnx");

        AssertCovers(spans, 8 << 20);
        Assert.All(spans.SkipLast(1), s => Assert.InRange(s.Length, 64 * 1024, 1024 * 1024));
        // Random bytes: boundaries fall at the designed rate, around the 256 KiB average.
        Assert.InRange(spans.Count, 8 * 2, 8 * 6);
    }

    [Fact]
    public void Content_defined_chunks_resynchronise_after_an_insertion()
    {
        var original = RandomBytes(6 << 20, seed: 2);
        var inserted = new byte[100];
        new Random(3).NextBytes(inserted);
        var edited = original[..(3 << 20)].Concat(inserted).Concat(original[(3 << 20)..]).ToArray();
        var v1 = Write("v1.bin", original);
        var v2 = Write("v2.bin", edited);

        var d1 = ModelChunker.Digest(v1, ModelChunker.Plan(v1, "other"));
        var d2 = ModelChunker.Digest(v2, ModelChunker.Plan(v2, "other"));

        var known = d1.Select(d => d.Digest).ToHashSet();
        var fresh = d2.Where(d => !known.Contains(d.Digest)).ToList();
        // Chunks before the insertion are untouched; after it the boundaries realign at once: only the
        // chunk holding the insertion (and at most its successor) is new.
        Assert.All(d2.TakeWhile(d => d.Span.End <= 3 << 20), d => Assert.Contains(d.Digest, known));
        Assert.InRange(fresh.Count, 1, 2);
        Assert.Contains(fresh, d => d.Span.Offset <= 3 << 20 && d.Span.End > 3 << 20);
        Assert.True(d2.Count > 10);
    }

    [Fact]
    public void Digests_are_the_sha256_of_each_span()
    {
        var bytes = RandomBytes(3 << 20, seed: 4);
        var path = Write("d.bin", bytes);

        var digests = ModelChunker.Digest(path, ModelChunker.Plan(path, "onnx"));

        Assert.True(digests.Count > 1);
        Assert.All(digests, d => Assert.Equal(
            "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan((int)d.Span.Offset, (int)d.Span.Length))), d.Digest));
    }

    [Fact]
    public void An_empty_file_has_no_chunks_and_a_small_one_has_one()
    {
        Assert.Empty(ModelChunker.Plan(Write("empty.bin", []), "onnx"));
        Assert.Equal([new ChunkSpan(0, 1000)], ModelChunker.Plan(Write("small.bin", new byte[1000]), "onnx"));
    }

    [Fact]
    public void A_file_called_gguf_that_is_not_one_is_cut_by_content()
    {
        var path = WriteRandom("fake.gguf", 2 << 20, seed: 5);

        Assert.Equal(ModelChunker.Plan(path, "onnx"), ModelChunker.Plan(path, "gguf"));
    }

    private static void AssertCovers(IReadOnlyList<ChunkSpan> spans, long length)
    {
        Assert.NotEmpty(spans);
        long next = 0;
        foreach (var s in spans)
        {
            Assert.Equal(next, s.Offset);
            Assert.True(s.Length > 0, $"empty span {s}");
            next = s.End;
        }
        Assert.Equal(length, next);
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string WriteRandom(string name, int length, int seed) => Write(name, RandomBytes(length, seed));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_temp.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => _temp.Dispose();
}
