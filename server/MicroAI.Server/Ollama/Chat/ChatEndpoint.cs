using MicroAI.ModelRegistry;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Ollama.Chat;

/// <summary>POST /api/chat</summary>
internal static class ChatEndpoint
{
    public static RouteHandlerBuilder MapOllamaChat(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/chat", HandleAsync)
            .WithName("OllamaChat")
            .WithTags("Ollama")
            .WithMetadata(new RequestBodyDocumentation(typeof(OllamaChatRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static Task HandleAsync(HttpContext http, GenerationRunner runner, IModelHost host, IModelCatalog catalog, IOptions<RequestLimits> limits, ILoggerFactory logs) =>
        JsonBody.HandleAsync(http, OllamaJsonContext.Default.OllamaChatRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Model))
                return OllamaErrors.ModelRequired();
            if (r.Messages is not { Count: > 0 })
            {
                return OllamaErrors.KeepAlive(r.KeepAlive, out var keepAlive)
                    ?? await OllamaResidency.LoadOrUnloadAsync(http, host, catalog, r.Model, keepAlive, chat: true);
            }
            if (ChatMapper.Map(r, limits.Value, logs.CreateLogger("MicroAI.Ollama"), out var plan) is { } error)
                return error;
            await runner.RunAsync(http, plan, new OllamaGenerationWriter(chat: true, r.Stream != false, r.Model));
            return null;
        });
}
