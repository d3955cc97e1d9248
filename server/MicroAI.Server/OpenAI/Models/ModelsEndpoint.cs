using System.Text.Json;
using MicroAI.Runtime.Models;
using MicroAI.ModelRegistry;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Management;

namespace MicroAI.Server.OpenAI.Models;

/// <summary>GET /v1/models and GET /v1/models/{id}</summary>
internal static class ModelsEndpoint
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", ListAsync).WithName("ListModels").WithTags("OpenAI").Produces(StatusCodes.Status200OK, contentType: "application/json");
        app.MapGet("/v1/models/{**id}", GetAsync).WithName("RetrieveModel").WithTags("OpenAI")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").Produces(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task ListAsync(HttpContext http, IModelHost host, MicroAI.ModelRegistry.IModelCatalog catalog, Upstreams.UpstreamCatalog upstreams)
    {
        http.Response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(http.Response.BodyWriter))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var m in host.ListModels())
                WriteModel(w, m, host);
            foreach (var (id, route) in Upstreams.UpstreamListing.Visible(upstreams, catalog, Security.Caller.Of(http)))
                Upstreams.UpstreamListing.WriteOpenAI(w, id, route);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static async Task GetAsync(HttpContext http, string id, IModelHost host, MicroAI.ModelRegistry.IModelCatalog catalog, Upstreams.UpstreamCatalog upstreams)
    {
        var entry = catalog.Find(id);
        if (entry is null && Upstreams.UpstreamListing.Visible(upstreams, catalog, Security.Caller.Of(http)).FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.OrdinalIgnoreCase)) is { Route: not null } forwarded)
        {
            http.Response.ContentType = "application/json";
            using (var w = JsonOutput.CreateWriter(http.Response.BodyWriter))
                Upstreams.UpstreamListing.WriteOpenAI(w, forwarded.Id, forwarded.Route);
            await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
            return;
        }
        if (entry is null)
        {
            await ApiError.ModelNotFound($"The model '{id}' does not exist.").WriteResponseAsync(http.Response);
            return;
        }
        http.Response.ContentType = "application/json";
        using (var w = JsonOutput.CreateWriter(http.Response.BodyWriter))
            WriteModel(w, entry, host);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static void WriteModel(Utf8JsonWriter w, ModelEntry m, IModelHost host)
    {
        w.WriteStartObject();
        w.WriteString("id", m.Id);
        w.WriteString("object", "model");
        w.WriteNumber("created", m.CreatedUtc.ToUnixTimeSeconds());
        w.WriteString("owned_by", "microai");
        // Our extension beyond OpenAI's four fields (clients ignore unknown fields).
        w.WritePropertyName("metadata");
        ModelJson.WriteMetadata(w, m, host.Loaded.Any(l => l.Entry.Id == m.Id));
        w.WriteEndObject();
    }
}
