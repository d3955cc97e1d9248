using MicroAI.Engines.Abstractions;
using MicroAI.Server.Generation;

namespace MicroAI.Server.Tests.Generation;

/// <summary>The engine names the part of a request at fault; OpenAI's error names its field, as clients have always seen it.</summary>
public sealed class ErrorMappingTests
{
    [Theory]
    [InlineData(RequestPart.Prompt, "prompt")]
    [InlineData(RequestPart.Messages, "messages")]
    [InlineData(RequestPart.ChatTemplate, "chat_template")]
    [InlineData(RequestPart.Suffix, "suffix")]
    [InlineData(RequestPart.Grammar, "grammar")]
    [InlineData(RequestPart.LogitBias, "logit_bias")]
    [InlineData(RequestPart.Model, "model")]
    public void A_request_part_becomes_its_openai_param(RequestPart part, string param)
    {
        var error = new GenerationError(GenerationErrorCode.InvalidPrompt, "bad", part).ToApiError();

        Assert.Equal((400, param), (error.Status, error.Param));
    }

    [Fact]
    public void Every_request_part_has_a_param()
    {
        Assert.All(Enum.GetValues<RequestPart>(), part =>
            Assert.NotNull(new GenerationError(GenerationErrorCode.ContextLengthExceeded, "long", part).ToApiError().Param));
    }

    [Fact]
    public void An_error_about_no_part_has_no_param()
    {
        Assert.Null(new GenerationError(GenerationErrorCode.InvalidPrompt, "bad").ToApiError().Param);
    }
}
