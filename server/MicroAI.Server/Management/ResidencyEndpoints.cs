using System.Text.Json;
using MicroAI.Runtime.Models;
using MicroAI.ModelRegistry;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Security;

namespace MicroAI.Server.Management;

/// <summary>
/// Loading or unloading a model on purpose (what Ollama does with an empty prompt or keep_alive 0;
/// which models are in memory is Ollama's GET /api/ps, Ollama/Models/ModelEndpoints.cs). Loading and unloading are admin actions.
/// </summary>
internal static class ResidencyEndpoints
{
    public static IEndpointRouteBuilder MapResidency(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/load", LoadAsync).WithName("LoadModel").WithTags("Models").RequireScope(ApiScopes.Admin)
            .WithMetadata(new Hosting.RequestBodyDocumentation(typeof(ResidencyApiRequest)));
        app.MapPost("/api/unload", UnloadAsync).WithName("UnloadModel").WithTags("Models").RequireScope(ApiScopes.Admin)
            .WithMetadata(new Hosting.RequestBodyDocumentation(typeof(ResidencyApiRequest)));
        return app;
    }

    private static Task LoadAsync(HttpContext http, IModelHost host, IModelCatalog catalog) =>
        JsonBody.HandleAsync(http, RegistryApiJsonContext.Default.ResidencyApiRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Model))
                return ApiError.Missing("model");
            if (SamplingRules.MapKeepAlive(r.KeepAlive, out var keepAlive) is { } invalid)
                return invalid;
            http.Items[AuditLog.TargetItem] = r.Model;
            if (catalog.Find(r.Model) is not { } entry)
                return ApiError.ModelNotFound($"The model '{r.Model}' does not exist.");

            // A generator when the model generates, else its first whole-request capability.
            var capability = entry.Has(ModelCapability.Completion) || entry.Has(ModelCapability.Chat) ? ModelCapability.Completion
                : ModelCapability.TryParse(entry.Capabilities.FirstOrDefault(), out var first) ? first
                : ModelCapability.Classification;
            var lookup = await host.AcquireAsync(entry.Id, capability, keepAlive, http.RequestAborted);
            using var lease = lookup.Lease;
            if (lookup.Model is not { } loaded)
                return lookup.ToApiError();
            await JsonOutput.WriteResponseAsync(http, w => WriteLoaded(w, loaded));
            return null;
        });

    private static Task UnloadAsync(HttpContext http, IModelHost host, IModelCatalog catalog) =>
        JsonBody.HandleAsync(http, RegistryApiJsonContext.Default.ResidencyApiRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Model))
                return ApiError.Missing("model");
            http.Items[AuditLog.TargetItem] = r.Model;
            var id = catalog.Find(r.Model)?.Id ?? r.Model;
            if (!host.Loaded.Any(m => string.Equals(m.Entry.Id, id, StringComparison.OrdinalIgnoreCase)))
                return ApiError.NotFound($"The model '{r.Model}' is not loaded.");
            var unloaded = await host.UnloadAsync(id);
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteString("model", id);
                w.WriteBoolean("unloaded", unloaded);
                w.WriteEndObject();
            });
            return null;
        });

    private static void WriteLoaded(Utf8JsonWriter w, LoadedModel m)
    {
        w.WriteStartObject();
        w.WriteString("model", m.Entry.Id);
        w.WriteString("capability", m.Capability.Name);
        w.WriteNumber("size", m.SizeBytes);
        w.WriteBoolean("pinned", m.Pinned);
        w.WriteNumber("active_requests", m.ActiveLeases);
        if (m.KeepAliveFor == KeepAlive.Forever || m.Pinned)
            w.WriteNull("keep_alive_seconds");
        else
            w.WriteNumber("keep_alive_seconds", m.KeepAliveFor.TotalSeconds);
        w.WriteNumber("idle_seconds", Math.Round(m.IdleFor.TotalSeconds, 1));
        w.WriteEndObject();
    }
}
