using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;
using MicroAI.Server.Limits;

namespace MicroAI.Server.Tests.Generation;

/// <summary>The neutral request on its own, without a model: what every protocol shares is checked once, in the protocol's words.</summary>
public sealed class TextRequestValidatorTests
{
    private static readonly RequestLimits Limits = new();

    private static TextRequest Chat(params string[] stop) => new()
    {
        Model = "m",
        Messages = [new ChatTurn("user", "Hi")],
        Stop = stop,
    };

    [Fact]
    public void A_chat_becomes_n_engine_requests_with_the_stops_that_are_not_empty()
    {
        var error = TextRequestValidator.Validate(Chat("\n", "") with { N = 3, MaxTokens = 7, Seed = 5 }, Limits, out var plan);

        Assert.Null(error);
        Assert.Equal(3, plan.Choices.Count);
        Assert.Equal(3, plan.ChoicesPerPrompt);
        Assert.All(plan.Choices, c => Assert.Equal(["\n"], c.Stop));
        Assert.All(plan.Choices, c => Assert.Equal(7, c.MaxTokens));
        Assert.Equal(5u, plan.Sampling.Seed);
    }

    [Fact]
    public void Prompts_get_n_choices_each_and_the_protocols_default_length()
    {
        var request = new TextRequest { Prompts = [PromptInput.FromText("a"), PromptInput.FromTokens([1, 2])], N = 2, DefaultMaxTokens = 16 };

        Assert.Null(TextRequestValidator.Validate(request, Limits, out var plan));
        Assert.Equal(4, plan.Choices.Count);
        Assert.Equal(["a", "a", null, null], plan.Choices.Select(c => c.Prompt!.Text));
        Assert.All(plan.Choices, c => Assert.Equal(16, c.MaxTokens));
    }

    [Theory]
    [InlineData("max_tokens")]
    [InlineData("max_output_tokens")]
    public void Errors_name_the_field_as_the_protocol_calls_it(string param)
    {
        var error = TextRequestValidator.Validate(Chat() with { MaxTokens = 0, MaxTokensParam = param }, Limits, out _);

        Assert.Equal(param, error!.Param);
        Assert.Equal($"Invalid '{param}': 0. Expected a value of at least 1.", error.Message);
    }

    [Fact]
    public void A_forced_call_and_an_output_format_conflict_under_the_formats_own_name()
    {
        using var tool = JsonDocument.Parse("""{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}""");
        var request = Chat() with
        {
            Tools = [new ToolDefinition(tool.RootElement, "tools[0]")],
            ToolChoice = new ToolChoice(ToolChoiceMode.Required),
            Format = new OutputFormat("json_object", null, "text.format", "text.format.schema"),
        };

        var error = TextRequestValidator.Validate(request, Limits, out _);

        Assert.Equal("text.format", error!.Param);
    }

    [Fact]
    public void A_tool_name_error_names_the_tool_by_its_protocols_path()
    {
        using var tool = JsonDocument.Parse("""{"type":"function","function":{"name":"bad name"}}""");

        var error = TextRequestValidator.Validate(Chat() with { Tools = [new ToolDefinition(tool.RootElement, "tools[0]")] }, Limits, out _);

        Assert.Equal("tools[0].name", error!.Param);
    }

    [Fact]
    public void A_tool_choice_without_tools_is_refused_but_none_is_not()
    {
        Assert.Equal("tool_choice", TextRequestValidator.Validate(Chat() with { ToolChoice = new ToolChoice(ToolChoiceMode.Auto) }, Limits, out _)!.Param);
        Assert.Null(TextRequestValidator.Validate(Chat() with { ToolChoice = new ToolChoice(ToolChoiceMode.None) }, Limits, out _));
    }
}
