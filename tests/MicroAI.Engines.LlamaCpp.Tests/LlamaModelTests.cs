using MicroAI.Engines.Abstractions;
using MicroAI.Tests.Shared;

namespace MicroAI.Engines.LlamaCpp.Tests;

public sealed class LlamaModelTests
{
    [Fact]
    public void Stories260K_loads_with_its_metadata()
    {
        using var model = LlamaTestRuntime.LoadStories();

        Assert.Equal("stories260K", model.Info.Id);
        Assert.Equal(2048, model.Info.TrainingContextLength);
        Assert.Equal(64, model.Info.EmbeddingLength);
        Assert.Equal(512, model.Info.VocabularySize);
        Assert.Equal(LlamaChatFormatter.FallbackName, model.Info.ChatFormat);
        Assert.InRange(model.Info.ParameterCount, 200_000UL, 400_000UL);
        Assert.True(model.Info.SizeBytes > 0);
        Assert.Contains("llama", model.Info.Description, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Tokenize_adds_bos_and_parses_the_prompt()
    {
        using var model = LlamaTestRuntime.LoadStories();

        var tokens = model.Tokenize("Once upon a time", addSpecial: true, parseSpecial: true);

        Assert.Equal(5, tokens.Length);
        Assert.Equal(1, tokens[0]);
        Assert.Equal(tokens[1..], model.Tokenize("Once upon a time", addSpecial: false, parseSpecial: true));
    }

    [Fact]
    public void Tokenize_handles_empty_and_long_text()
    {
        using var model = LlamaTestRuntime.LoadStories();

        Assert.Equal([1], model.Tokenize(string.Empty, addSpecial: true, parseSpecial: true));
        var longText = string.Concat(Enumerable.Repeat("Once upon a time there was a dog. ", 200));
        var tokens = model.Tokenize(longText, addSpecial: true, parseSpecial: true);
        Assert.True(tokens.Length > 1000);
        Assert.All(tokens, t => Assert.InRange(t, 0, 511));
    }

    [Fact]
    public void Prepare_prompt_from_text_tokenizes_it()
    {
        using var model = LlamaTestRuntime.LoadStories();

        var error = model.TryPreparePrompt(new GenerateRequest { Prompt = PromptInput.FromText("Once upon a time") }, out var prompt);

        Assert.Null(error);
        Assert.Equal(model.Tokenize("Once upon a time", true, true), prompt.Tokens);
        Assert.Empty(prompt.FormatStops);
    }

    [Fact]
    public void Prepare_prompt_from_messages_uses_the_fallback_format_and_its_stop()
    {
        using var model = LlamaTestRuntime.LoadStories();
        var request = new GenerateRequest { Messages = [new ChatTurn("system", "Be brief."), new ChatTurn("user", "Hi")] };

        var error = model.TryPreparePrompt(request, out var prompt);

        Assert.Null(error);
        Assert.Equal(model.Tokenize("System: Be brief.\nUser: Hi\nAssistant:", true, true), prompt.Tokens);
        Assert.Equal(["\nUser:"], prompt.FormatStops);
    }

    [Fact]
    public void Prepare_prompt_rejects_token_ids_outside_the_vocabulary()
    {
        using var model = LlamaTestRuntime.LoadStories();

        var error = model.TryPreparePrompt(new GenerateRequest { Prompt = PromptInput.FromTokens([1, 600]) }, out var prompt);
        var negative = model.TryPreparePrompt(new GenerateRequest { Prompt = PromptInput.FromTokens([-1]) }, out _);
        var ok = model.TryPreparePrompt(new GenerateRequest { Prompt = PromptInput.FromTokens([1, 511]) }, out var valid);

        Assert.Equal(GenerationErrorCode.InvalidPrompt, error?.Code);
        Assert.Equal(RequestPart.Prompt, error?.Part);
        Assert.Contains("600", error?.Message, StringComparison.Ordinal);
        Assert.Empty(prompt.Tokens);
        Assert.Equal(GenerationErrorCode.InvalidPrompt, negative?.Code);
        Assert.Null(ok);
        Assert.Equal([1, 511], valid.Tokens);
    }

    [Fact]
    public void Loading_a_file_that_is_not_gguf_throws_a_clear_model_load_exception()
    {
        LlamaTestRuntime.EnsureInitialised();
        var path = Path.Combine(Path.GetTempPath(), $"microai-junk-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31 + 7))]);
        try
        {
            var ex = Assert.Throws<ModelLoadException>(() =>
                LlamaModel.Load(LlamaTestRuntime.Entry(path), new ModelLoadSettings(0, null), LlamaTestRuntime.Logs.CreateLogger("test")));

            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
            Assert.Contains("not a GGUF file", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Loading_an_empty_file_throws_a_model_load_exception()
    {
        LlamaTestRuntime.EnsureInitialised();
        var path = Path.Combine(Path.GetTempPath(), $"microai-empty-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, []);
        try
        {
            Assert.Throws<ModelLoadException>(() =>
                LlamaModel.Load(LlamaTestRuntime.Entry(path), new ModelLoadSettings(0, null), LlamaTestRuntime.Logs.CreateLogger("test")));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Decoder_has_the_requested_slots_and_context()
    {
        using var model = LlamaTestRuntime.LoadStories();

        using var decoder = model.CreateDecoder(new DecoderOptions(Slots: 2, ContextPerSlot: 256, BatchSize: 64, Threads: 1));

        Assert.Equal(2, decoder.SlotCount);
        Assert.Equal(256, decoder.SlotContextSize);
        Assert.Equal(64, decoder.BatchCapacity);
        Assert.True(decoder.IsEndOfGeneration(2));
        Assert.False(decoder.IsEndOfGeneration(1));
    }

    [Fact]
    public void Tiny_random_llama_with_a_32k_vocabulary_loads()
    {
        LlamaTestRuntime.EnsureInitialised();
        using var model = LlamaModel.Load(LlamaTestRuntime.Entry(TestPaths.TinyRandomLlama), new ModelLoadSettings(0, null), LlamaTestRuntime.Logs.CreateLogger("test"));

        Assert.Equal(32000, model.Info.VocabularySize);
        Assert.Equal(1, model.Tokenize("Hello world", addSpecial: true, parseSpecial: true)[0]);
    }
}
