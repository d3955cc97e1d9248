using MicroAI.Server.Anthropic.CountTokens;
using MicroAI.Server.Anthropic.Messages;

namespace MicroAI.Server.Anthropic;

/// <summary>Anthropic's Messages API: every route of the family, mapped with one line in MicroAIApp.</summary>
internal static class AnthropicEndpoints
{
    public static IEndpointRouteBuilder MapAnthropic(this IEndpointRouteBuilder app)
    {
        app.MapMessages();
        app.MapCountTokens();
        return app;
    }
}
