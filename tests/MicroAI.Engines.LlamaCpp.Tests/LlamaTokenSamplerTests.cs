using System.Text;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Engines.LlamaCpp.Tests;

public sealed class LlamaTokenSamplerTests : IDisposable
{
    private readonly LlamaModel _model = LlamaTestRuntime.LoadStories();

    public void Dispose() => _model.Dispose();

    [Fact]
    public void Greedy_sampler_picks_the_same_token_from_the_same_logits()
    {
        using var decoder = _model.CreateDecoder(new DecoderOptions(1, 256, 64, Threads: 1));
        var last = Prefill(decoder, "Once upon a time");
        var greedy = SamplingParameters.Default with { Temperature = 0 };

        using var a = decoder.CreateSampler(greedy);
        using var b = decoder.CreateSampler(greedy);
        var first = a.Sample(last);
        var second = b.Sample(last);

        Assert.IsType<LlamaTokenSampler>(a);
        Assert.Equal(first, second);
        Assert.Equal(",", Piece(decoder, first));
    }

    [Fact]
    public void Same_seed_samples_the_same_token_from_the_same_logits()
    {
        using var decoder = _model.CreateDecoder(new DecoderOptions(1, 256, 64, Threads: 1));
        var last = Prefill(decoder, "Once upon a time");

        for (uint seed = 1; seed <= 20; seed++)
        {
            var parameters = SamplingParameters.Default with { Temperature = 1.5f, TopK = 0, TopP = 1, MinP = 0, Seed = seed };
            using var a = decoder.CreateSampler(parameters);
            using var b = decoder.CreateSampler(parameters);
            Assert.Equal(a.Sample(last), b.Sample(last));
        }
    }

    [Fact]
    public async Task Same_seed_gives_the_same_text_and_other_seeds_differ()
    {
        await using var scheduler = SchedulerFactory.Create(_model, slots: 2);

        var first = await LlamaGenerationTests.GenerateAsync(scheduler, Seeded(1234));
        var again = await LlamaGenerationTests.GenerateAsync(scheduler, Seeded(1234));
        var others = new List<string>();
        for (uint seed = 1; seed <= 4; seed++)
            others.Add((await LlamaGenerationTests.GenerateAsync(scheduler, Seeded(seed))).Text);

        Assert.Equal(first.Text, again.Text);
        Assert.True(others.Append(first.Text).Distinct().Count() > 1, "five seeds all produced the same 30 tokens");
    }

    [Fact]
    public async Task Greedy_generation_is_deterministic()
    {
        await using var scheduler = SchedulerFactory.Create(_model, slots: 1);

        var a = await LlamaGenerationTests.GenerateAsync(scheduler, LlamaGenerationTests.Greedy("The little dog", 30));
        var b = await LlamaGenerationTests.GenerateAsync(scheduler, LlamaGenerationTests.Greedy("The little dog", 30));

        Assert.Equal(a.Text, b.Text);
        Assert.NotEmpty(a.Text);
    }

    [Fact]
    public async Task Penalties_change_greedy_output_without_breaking_it()
    {
        await using var scheduler = SchedulerFactory.Create(_model, slots: 1);
        var plain = LlamaGenerationTests.Greedy("Once upon a time", 40);
        var penalised = new GenerateRequest
        {
            Prompt = plain.Prompt,
            MaxTokens = 40,
            Sampling = plain.Sampling with { RepeatPenalty = 1.5f, PenaltyLastN = 64 },
        };

        var a = await LlamaGenerationTests.GenerateAsync(scheduler, plain);
        var b = await LlamaGenerationTests.GenerateAsync(scheduler, penalised);

        Assert.NotEqual(a.Text, b.Text);
        Assert.Equal(b.Text, (await LlamaGenerationTests.GenerateAsync(scheduler, penalised)).Text);
    }

    private static GenerateRequest Seeded(uint seed) => new()
    {
        Prompt = PromptInput.FromText("Once upon a time"),
        Sampling = SamplingParameters.Default with { Temperature = 1.0f, Seed = seed },
        MaxTokens = 30,
    };

    private int Prefill(IBatchDecoder decoder, string text)
    {
        var tokens = _model.Tokenize(text, addSpecial: true, parseSpecial: true);
        decoder.ClearSlot(0);
        decoder.ClearBatch();
        var last = -1;
        for (var i = 0; i < tokens.Length; i++)
            last = decoder.AddToBatch(tokens[i], 0, i, wantLogits: i == tokens.Length - 1);
        Assert.Null(decoder.Decode());
        return last;
    }

    private static string Piece(IBatchDecoder decoder, int token)
    {
        var buffer = new byte[64];
        var n = decoder.TokenToPiece(token, buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
