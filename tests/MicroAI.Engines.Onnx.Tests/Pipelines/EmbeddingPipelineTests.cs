using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;
using MicroAI.Tests.Shared;
using Microsoft.Extensions.Options;
using static MicroAI.Tests.Shared.OnnxTestModels;

namespace MicroAI.Engines.Onnx.Tests.Pipelines;

/// <summary>
/// The embedding pipeline on test-written BERT-shaped models whose hidden states are known exactly:
/// pooling over the attention mask (padding rows carry non-zero values, so a pipeline that ignores
/// the mask is caught), CLS and last-token pooling, token types, and normalisation.
/// </summary>
public sealed class EmbeddingPipelineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("microai-embed-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    internal static IInferenceModel Load(string modelPath, ModelCapability capability)
    {
        // The process-wide environment keeps the logger of whoever creates it first: always the suite's capturing one.
        _ = OnnxTestRuntime.Environment;
        var engine = new OnnxEngine(Options.Create(new OnnxRuntimeOptions { IntraOpThreads = 1 }), OnnxTestRuntime.Logs);
        var entry = new ModelEntry(Path.GetFileName(Path.GetDirectoryName(modelPath)!), modelPath, ModelFormat.Onnx, new FileInfo(modelPath).Length,
            DateTimeOffset.UnixEpoch, "test", new ModelSettings());
        return engine.LoadInferenceModel(entry, capability, new ModelLoadSettings(0, null));
    }

    // A short and a long text in one batch: the short row is padded, and its padding must not count.
    private static readonly string[] Texts = ["dogs", "the cat sat on the mat in paris, germany and france"];

    [Theory]
    [InlineData("Mean", true, true)]
    [InlineData("Mean", true, false)]
    [InlineData("Cls", false, false)]
    [InlineData("LastToken", true, true)]
    [InlineData("Mean", false, true)]
    public async Task Pooled_vectors_match_the_hand_computed_ones(string poolingName, bool tokenTypes, bool normalize)
    {
        var pooling = Enum.Parse<Pooling>(poolingName);
        var model = BertEmbedder(Path.Combine(_root, $"{pooling}-{tokenTypes}-{normalize}"), pooling, tokenTypes, normalize);
        using var embedder = (IEmbeddingModel)Load(model.ModelPath, ModelCapability.Embeddings);

        var result = await embedder.EmbedAsync(Texts.Select(EmbeddingInput.FromText).ToList(), truncate: false, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(normalize, embedder.Normalized);
        Assert.Equal(EmbeddingDimension, embedder.Dimensions);
        for (var i = 0; i < Texts.Length; i++)
        {
            var expected = model.ExpectedEmbedding(Texts[i]);
            var actual = result.Value!.Vectors[i];
            for (var j = 0; j < expected.Length; j++)
            {
                if (normalize)
                    Assert.Equal(expected[j], actual[j], 1e-6f);
                else
                    Assert.Equal(expected[j], actual[j]); // sums of exact table values: every digit
            }
        }
        Assert.Equal(Texts.Sum(t => Encode(t).Ids.Count), result.Value!.PromptTokens);
    }

    [Fact]
    public async Task Token_id_inputs_too_long_inputs_and_truncation()
    {
        var model = BertEmbedder(Path.Combine(_root, "limits"));
        using var embedder = (IEmbeddingModel)Load(model.ModelPath, ModelCapability.Embeddings);
        var words = string.Join(' ', Enumerable.Repeat("cat", 40));

        var ids = Encode("the cat").Ids.Select(i => (int)i).ToArray();
        var byIds = await embedder.EmbedAsync([EmbeddingInput.FromTokens(ids)], false, CancellationToken.None);
        var tooLong = await embedder.EmbedAsync([EmbeddingInput.FromText("dogs"), EmbeddingInput.FromText(words)], false, CancellationToken.None);
        var cut = await embedder.EmbedAsync([EmbeddingInput.FromText(words)], true, CancellationToken.None);
        var badId = await embedder.EmbedAsync([EmbeddingInput.FromTokens([2, 9999, 3])], false, CancellationToken.None);

        Assert.Equal(model.ExpectedEmbedding("the cat"), byIds.Value!.Vectors[0], new ToleranceComparer(1e-6f));
        Assert.Equal(32, embedder.MaxInputTokens);
        Assert.Equal(GenerationErrorCode.ContextLengthExceeded, tooLong.Error!.Code);
        Assert.Equal(1, tooLong.Error.Index);
        Assert.Equal(32, cut.Value!.PromptTokens);
        Assert.Single(cut.Value.Vectors);
        Assert.Equal(GenerationErrorCode.InvalidPrompt, badId.Error!.Code);
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(float obj) => 0;
    }
}
