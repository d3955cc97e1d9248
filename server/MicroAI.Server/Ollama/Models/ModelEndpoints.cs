using System.Globalization;
using System.Text;
using System.Text.Json;
using MicroAI.ModelRegistry;
using MicroAI.Runtime.Models;
using MicroAI.Server.Hosting;
using MicroAI.Server.Management;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Security;

namespace MicroAI.Server.Ollama.Models;

/// <summary>
/// Ollama's model routes over the catalog, the registry and the model host: GET /api/tags,
/// POST /api/show, GET /api/ps, DELETE /api/delete, POST /api/copy. Delete and copy change the
/// registry, so they need the admin scope like MicroAI's own registry routes.
/// </summary>
internal static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapOllamaModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tags", Tags).WithName("OllamaTags").WithTags("Ollama");
        app.MapPost("/api/show", ShowAsync).WithName("OllamaShow").WithTags("Ollama")
            .WithMetadata(new RequestBodyDocumentation(typeof(OllamaModelRequest)));
        app.MapGet("/api/ps", Running).WithName("OllamaRunning").WithTags("Ollama");
        app.MapDelete("/api/delete", DeleteAsync).WithName("OllamaDelete").WithTags("Ollama").RequireScope(ApiScopes.Admin)
            .WithMetadata(new RequestBodyDocumentation(typeof(OllamaModelRequest)));
        app.MapPost("/api/copy", CopyAsync).WithName("OllamaCopy").WithTags("Ollama").RequireScope(ApiScopes.Admin)
            .WithMetadata(new RequestBodyDocumentation(typeof(OllamaCopyRequest)));
        return app;
    }

    private static Task Tags(HttpContext http, IModelCatalog catalog, Upstreams.UpstreamCatalog upstreams) => JsonOutput.WriteResponseAsync(http, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("models");
        foreach (var e in catalog.List().Where(e => e.Problem is null))
        {
            w.WriteStartObject();
            OllamaModelJson.WriteSummary(w, e, e.SizeBytes);
            w.WriteString("modified_at", e.CreatedUtc);
            w.WriteEndObject();
        }
        foreach (var (id, route) in Upstreams.UpstreamListing.Visible(upstreams, catalog, Caller.Of(http)))
            Upstreams.UpstreamListing.WriteOllama(w, id, route);
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static Task ShowAsync(HttpContext http, IModelCatalog catalog) =>
        JsonBody.HandleAsync(http, OllamaJsonContext.Default.OllamaModelRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Target))
                return OllamaErrors.ModelRequired();
            if (catalog.Find(r.Target) is not { } e)
                return OllamaErrors.ModelNotFound(r.Target);
            var template = e.Settings.ChatTemplate ?? e.Manifest?.ChatTemplate;
            var parameters = Parameters(e.Settings);
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteString("modelfile", Modelfile(e, template, parameters));
                w.WriteString("parameters", parameters);
                // The model's Jinja chat template (Ollama shows its Go template here).
                w.WriteString("template", template ?? "");
                if (!string.IsNullOrEmpty(e.Settings.SystemPrompt))
                    w.WriteString("system", e.Settings.SystemPrompt);
                OllamaModelJson.WriteDetails(w, e);
                WriteModelInfo(w, e);
                w.WriteStartArray("capabilities");
                foreach (var capability in OllamaModelJson.Capabilities(e, template))
                    w.WriteStringValue(capability);
                w.WriteEndArray();
                w.WriteString("modified_at", e.CreatedUtc);
                w.WriteEndObject();
            });
            return null;
        });

    /// <summary>Ollama's model_info keys (GGUF metadata names) for what the manifest knows.</summary>
    private static void WriteModelInfo(Utf8JsonWriter w, ModelEntry e)
    {
        var m = e.Manifest;
        w.WriteStartObject("model_info");
        if (m?.Architecture is { } a)
        {
            w.WriteString("general.architecture", a);
            if (m.ContextLength is { } c) w.WriteNumber(a + ".context_length", c);
            if (m.EmbeddingLength is { } el) w.WriteNumber(a + ".embedding_length", el);
        }
        if (m?.ParameterCount is { } p) w.WriteNumber("general.parameter_count", p);
        if (m?.VocabularySize is { } v) w.WriteNumber("tokenizer.ggml.vocab_size", v);
        w.WriteEndObject();
    }

    /// <summary>The model's sampling defaults as Ollama's "name value" lines.</summary>
    private static string Parameters(ModelSettings s)
    {
        var lines = new StringBuilder();
        void Add(string name, float? value) { if (value is { } v) lines.Append(CultureInfo.InvariantCulture, $"{name,-30} {v}\n"); }
        Add("temperature", s.Temperature);
        Add("top_p", s.TopP);
        Add("top_k", s.TopK);
        Add("min_p", s.MinP);
        Add("repeat_penalty", s.RepeatPenalty);
        Add("num_ctx", s.ContextSize);
        return lines.ToString().TrimEnd('\n');
    }

    /// <summary>A Modelfile that describes the model (FROM its file, its template, parameters and system prompt) for tools that show one.</summary>
    private static string Modelfile(ModelEntry e, string? template, string parameters)
    {
        var sb = new StringBuilder();
        sb.Append("# Modelfile generated by MicroAI; TEMPLATE is the model's Jinja chat template, not an Ollama Go template\n");
        sb.Append("FROM ").Append(e.Path).Append('\n');
        if (!string.IsNullOrEmpty(template))
            sb.Append("TEMPLATE \"\"\"").Append(template).Append("\"\"\"\n");
        if (!string.IsNullOrEmpty(e.Settings.SystemPrompt))
            sb.Append("SYSTEM \"\"\"").Append(e.Settings.SystemPrompt).Append("\"\"\"\n");
        foreach (var line in parameters.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            sb.Append("PARAMETER ").Append(string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// Ollama's ps, one entry per resident model. A GGUF model can be resident twice, as a generator
    /// and as an embedder (its own context): one entry with both sizes, expiring when the later does.
    /// MicroAI's residency detail (capabilities, pinned, active requests, keep-alive and idle seconds)
    /// rides along as extra fields that Ollama clients ignore.
    /// </summary>
    private static Task Running(HttpContext http, IModelHost host) => JsonOutput.WriteResponseAsync(http, w =>
    {
        var now = DateTimeOffset.UtcNow;
        w.WriteStartObject();
        w.WriteStartArray("models");
        foreach (var uses in host.Loaded.GroupBy(m => m.Entry.Id, StringComparer.OrdinalIgnoreCase))
        {
            var models = uses.ToList();
            w.WriteStartObject();
            OllamaModelJson.WriteSummary(w, models[0].Entry, models.Sum(m => m.SizeBytes));
            var forever = models.Any(m => m.Pinned || m.KeepAliveFor == KeepAlive.Forever);
            var left = models.Max(m => m.KeepAliveFor - m.IdleFor);
            // Ollama's answer for a model kept forever is a date centuries away; this is the latest a DateTimeOffset holds.
            w.WriteString("expires_at", forever ? DateTimeOffset.MaxValue : now + left);
            w.WriteNumber("size_vram", 0);
            if (models.OfType<LoadedTextModel>().FirstOrDefault() is { } text)
                w.WriteNumber("context_length", text.Decoder.ContextPerSlot);
            w.WriteStartArray("capabilities");
            foreach (var m in models)
                w.WriteStringValue(m.Capability.Name);
            w.WriteEndArray();
            w.WriteBoolean("pinned", models.Any(m => m.Pinned));
            w.WriteNumber("active_requests", models.Sum(m => m.ActiveLeases));
            if (forever)
                w.WriteNull("keep_alive_seconds");
            else
                w.WriteNumber("keep_alive_seconds", models.Max(m => m.KeepAliveFor.TotalSeconds));
            w.WriteNumber("idle_seconds", Math.Round(models.Min(m => m.IdleFor.TotalSeconds), 1));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static Task DeleteAsync(HttpContext http, IModelCatalog catalog, IModelHost host) =>
        JsonBody.HandleAsync(http, OllamaJsonContext.Default.OllamaModelRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Target))
                return OllamaErrors.ModelRequired();
            http.Items[AuditLog.TargetItem] = r.Target;
            var entry = catalog.Find(r.Target);
            if (entry is null)
                return OllamaErrors.ModelNotFound(r.Target);
            if (entry.Source != "registry")
                return ApiError.BadRequest($"'{entry.Id}' is not in the registry: it comes from {entry.Source} ({entry.Path}), which MicroAI does not delete.", "model", "not_in_registry");
            await host.UnloadAsync(entry.Id);
            var removed = await catalog.Store.RemoveAsync(r.Target, http.RequestAborted);
            if (!removed.Success)
                return removed.Kind == ModelRegistry.Store.StoreErrorKind.NotFound ? OllamaErrors.ModelNotFound(r.Target) : ApiError.Server(removed.Error!, "registry_failure");
            http.Response.StatusCode = StatusCodes.Status200OK;
            return null;
        });

    private static Task CopyAsync(HttpContext http, IModelCatalog catalog) =>
        JsonBody.HandleAsync(http, OllamaJsonContext.Default.OllamaCopyRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Source))
                return ApiError.Missing("source");
            if (string.IsNullOrWhiteSpace(r.Destination))
                return ApiError.Missing("destination");
            http.Items[AuditLog.TargetItem] = $"{r.Source} -> {r.Destination}";
            var tagged = await catalog.Store.TagAsync(r.Source, r.Destination, http.RequestAborted);
            if (!tagged.Success)
            {
                return tagged.Kind switch
                {
                    ModelRegistry.Store.StoreErrorKind.NotFound => OllamaErrors.ModelNotFound(r.Source),
                    ModelRegistry.Store.StoreErrorKind.Invalid => ApiError.BadRequest(tagged.Error!),
                    _ => ApiError.Server(tagged.Error!, "registry_failure"),
                };
            }
            http.Response.StatusCode = StatusCodes.Status200OK;
            return null;
        });
}
