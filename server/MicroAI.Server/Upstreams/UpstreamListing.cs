using System.Text.Json;
using MicroAI.ModelRegistry;
using MicroAI.Server.Security;

namespace MicroAI.Server.Upstreams;

/// <summary>
/// The models this server forwards, as <c>/v1/models</c> and Ollama's <c>/api/tags</c> list them
/// beside the local ones: a local model of the same id is listed once, as local; a local-only
/// caller is not shown what it may not use.
/// </summary>
internal static class UpstreamListing
{
    /// <summary>Forwarded models the caller may use and no local model shadows.</summary>
    public static IEnumerable<(string Id, UpstreamRoute Route)> Visible(UpstreamCatalog upstreams, IModelCatalog catalog, Caller caller)
    {
        if (caller.Key?.LocalOnly == true)
            return [];
        return upstreams.Offered().Where(m => catalog.Find(m.Id) is null);
    }

    /// <summary>OpenAI's model object: owned_by names the upstream; metadata says where it is served and as what.</summary>
    public static void WriteOpenAI(Utf8JsonWriter w, string id, UpstreamRoute route)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "model");
        w.WriteNumber("created", route.Upstream.ListedAt?.ToUnixTimeSeconds() ?? 0);
        w.WriteString("owned_by", route.Upstream.Name);
        w.WriteStartObject("metadata");
        w.WriteString("served_by", ServedBy.Upstream(route.Upstream.Name));
        w.WriteString("upstream", route.Upstream.Name);
        w.WriteString("upstream_model", route.Model);
        if (route.Upstream.Models.FirstOrDefault(m => m.Id == route.Model)?.OwnedBy is { } owner)
            w.WriteString("upstream_owned_by", owner);
        w.WriteString("policy", route.Alias?.Policy ?? "upstream");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>An /api/tags entry in the shape Ollama gives its cloud models (remote_model, remote_host; no local size or digest).</summary>
    public static void WriteOllama(Utf8JsonWriter w, string id, UpstreamRoute route)
    {
        w.WriteStartObject();
        w.WriteString("name", id);
        w.WriteString("model", id);
        w.WriteString("remote_model", route.Model);
        w.WriteString("remote_host", route.Upstream.DisplayUrl);
        w.WriteNumber("size", 0);
        w.WriteString("digest", "");
        WriteUnknownDetails(w);
        w.WriteString("modified_at", route.Upstream.ListedAt ?? DateTimeOffset.UnixEpoch);
        w.WriteEndObject();
    }

    /// <summary>
    /// /api/show for a forwarded model: the upstream's model and address, and a chat model's
    /// capabilities (its template, parameters and details live upstream, not here).
    /// </summary>
    public static void WriteOllamaShow(Utf8JsonWriter w, UpstreamRoute route)
    {
        w.WriteStartObject();
        w.WriteString("modelfile", $"# Served by the upstream '{route.Upstream.Name}' as {route.Model}\n");
        w.WriteString("parameters", "");
        w.WriteString("template", "");
        w.WriteString("remote_model", route.Model);
        w.WriteString("remote_host", route.Upstream.DisplayUrl);
        WriteUnknownDetails(w);
        w.WriteStartObject("model_info");
        w.WriteEndObject();
        w.WriteStartArray("capabilities");
        w.WriteStringValue("completion");
        w.WriteEndArray();
        w.WriteString("modified_at", route.Upstream.ListedAt ?? DateTimeOffset.UnixEpoch);
        w.WriteEndObject();
    }

    /// <summary>Ollama's details object with every field empty: format, family and size are the upstream's business.</summary>
    private static void WriteUnknownDetails(Utf8JsonWriter w)
    {
        w.WriteStartObject("details");
        w.WriteString("parent_model", "");
        w.WriteString("format", "");
        w.WriteString("family", "");
        w.WriteStartArray("families");
        w.WriteEndArray();
        w.WriteString("parameter_size", "");
        w.WriteString("quantization_level", "");
        w.WriteEndObject();
    }
}
