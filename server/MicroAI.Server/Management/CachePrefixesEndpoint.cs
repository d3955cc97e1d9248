using MicroAI.Runtime.Models;
using MicroAI.Runtime.Scheduling;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Management;

/// <summary>
/// GET /api/cache/prefixes: for each loaded text model, the hashes of the token prefixes this
/// replica's KV caches hold (<see cref="PrefixHashes"/>), so a gateway in front of several replicas
/// can send a conversation to the one that already has its beginning (docker/README.md, "Routing").
/// </summary>
internal static class CachePrefixesEndpoint
{
    public static IEndpointRouteBuilder MapCachePrefixes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/cache/prefixes", HandleAsync).WithName("CachePrefixes").WithTags("Server");
        return app;
    }

    private static Task HandleAsync(HttpContext http, IModelHost host) => JsonOutput.WriteResponseAsync(http, w =>
    {
        w.WriteStartObject();
        w.WriteNumber("block_tokens", PrefixHashes.BlockTokens);
        w.WriteString("hash", "sha256-chained-u64le");
        w.WriteStartArray("models");
        foreach (var model in host.Loaded.OfType<LoadedTextModel>())
        {
            w.WriteStartObject();
            w.WriteString("model", model.Entry.Id);
            w.WriteStartArray("prefixes");
            foreach (var hash in model.Scheduler.CachedPrefixHashes.Order())
                w.WriteStringValue(PrefixHashes.Format(hash));
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
