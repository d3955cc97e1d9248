using MicroAI.Server.Ollama.Chat;
using MicroAI.Server.Ollama.Embed;
using MicroAI.Server.Ollama.Generate;
using MicroAI.Server.Ollama.Models;
using MicroAI.Server.Ollama.Pull;

namespace MicroAI.Server.Ollama;

/// <summary>Ollama's API (docs/api/ollama.md), one line in the composition root.</summary>
internal static class OllamaEndpoints
{
    public static IEndpointRouteBuilder MapOllama(this IEndpointRouteBuilder app)
    {
        app.MapOllamaGenerate();
        app.MapOllamaChat();
        app.MapOllamaEmbed();
        app.MapOllamaModels();
        app.MapOllamaPull();
        app.MapOllamaVersion();
        return app;
    }
}
