using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Store;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Playground;

/// <summary>
/// Read-only access to a registry ONNX model's files, for the page's "run in this browser":
/// <list type="bullet">
/// <item>GET /api/model-files/{name}: the model's files (name, size, digest) and whether the browser may
/// run it (an ONNX registry model of at most <c>MicroAI:Playground:BrowserModelMaxBytes</c>, all files stored as blobs).</item>
/// <item>GET /api/blobs/sha256:{hex}: a file's bytes by digest. A digest never changes its bytes, so the
/// answer is cached for a year and its ETag is the digest. Only digests of models the list offers are
/// served (404 otherwise), so the route cannot be used to read other weights or any path.</item>
/// </list>
/// Only registry models are offered: their files are blobs whose digests the registry has verified
/// (<see cref="IModelCatalog.CheckFiles"/>, a stat per file once hashed). Loose folders in ModelsDirectory
/// and files imported by reference have no stored digest the server can vouch for without hashing on
/// every listing; importing such a folder (<c>microai import</c>) makes it available.
/// Both routes need the inference scope, like POST /v1/classifications, whose model they are.
/// </summary>
internal static class ModelFilesEndpoint
{
    public const string ConfigurationKey = "MicroAI:Playground:BrowserModelMaxBytes";

    /// <summary>64 MiB: Magika (3 MB) and SqueezeNet (2.5 MB) many times over, and small BERT classifiers
    /// (~17-90 MB at int8-fp32) up to MiniLM-size; large enough to be useful, small enough that a browser
    /// tab holds it and Cache Storage keeps it.</summary>
    public const long DefaultMaxBytes = 64L << 20;

    /// <summary>A year, the longest max-age HTTP caches honour: a digest names its bytes for ever.</summary>
    private const string Immutable = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapModelFiles(this IEndpointRouteBuilder app, IConfiguration configuration)
    {
        var max = configuration.GetValue<long?>(ConfigurationKey) ?? DefaultMaxBytes;
        if (max < 0)
            throw new InvalidOperationException($"{ConfigurationKey} is {max}; use 0 (no model runs in the browser) or a size in bytes.");
        app.MapGet("/api/model-files/{**name}", (HttpContext http, string name, IModelCatalog catalog) => ListAsync(http, name, catalog, max))
            .WithName("ModelFiles").WithTags("MicroAI")
            .WithSummary("A registry ONNX model's files by digest, and whether the page may run it in the browser");
        app.MapMethods("/api/blobs/{digest}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string digest, IModelCatalog catalog) => BlobAsync(http, digest, catalog, max))
            .WithName("ModelBlob").WithTags("MicroAI")
            .WithSummary("The bytes of a file of a model GET /api/model-files offers (immutable, ETag = digest)");
        return app;
    }

    /// <summary>Why <paramref name="entry"/> cannot run in a browser, or null when it can.</summary>
    private static string? Refusal(ModelEntry entry, long max)
    {
        if (entry.Format != ModelFormat.Onnx)
            return "only ONNX models run in the browser.";
        if (entry is not { Source: "registry", Manifest: { } manifest })
            return $"only registry models are served by digest; import it ('microai import {entry.Path}') to run it in the browser.";
        if (manifest.Files.Any(f => f.ExternalPath is not null))
            return "its files were imported by reference; import it without --reference to run it in the browser.";
        if (manifest.TotalSize > max)
            return $"it is {manifest.TotalSize} bytes; the limit for the browser is {max} ({ConfigurationKey}).";
        return null;
    }

    private static async Task ListAsync(HttpContext http, string name, IModelCatalog catalog, long max)
    {
        if (catalog.Find(name) is not { } entry)
        {
            await ApiError.ModelNotFound($"The model '{name}' does not exist.").WriteResponseAsync(http.Response);
            return;
        }
        var refusal = Refusal(entry, max) ?? catalog.CheckFiles(entry);
        await JsonOutput.WriteResponseAsync(http, w =>
        {
            w.WriteStartObject();
            w.WriteString("model", entry.Id);
            w.WriteString("format", entry.Format.Name());
            if (entry.Manifest?.Onnx is { } onnx)
            {
                // What the browser's pipeline needs besides the files: the labels the server read from them.
                w.WriteString("task", onnx.Task);
                if (onnx.Labels is { } labels)
                {
                    w.WriteStartArray("labels");
                    foreach (var l in labels)
                        w.WriteStringValue(l);
                    w.WriteEndArray();
                }
                w.WriteBoolean("multi_label", onnx.MultiLabel);
                if (onnx.ImageLayout is not null)
                    w.WriteString("image_layout", onnx.ImageLayout);
            }
            w.WriteNumber("size", entry.SizeBytes);
            w.WriteBoolean("browser", refusal is null);
            w.WriteNumber("browser_max_bytes", max);
            if (refusal is not null)
                w.WriteString("reason", refusal);
            w.WriteStartArray("files");
            if (entry is { Source: "registry", Manifest: { } manifest })
            {
                foreach (var f in manifest.Files)
                {
                    w.WriteStartObject();
                    w.WriteString("name", f.Name);
                    w.WriteString("role", f.Role);
                    w.WriteNumber("size", f.Size);
                    w.WriteString("digest", f.Digest);
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task BlobAsync(HttpContext http, string digest, IModelCatalog catalog, long max)
    {
        var wanted = Digest.IsValid(digest) ? digest : null;
        var owner = wanted is null ? null : catalog.List().FirstOrDefault(e =>
            e.Manifest is { } m && m.Files.Any(f => f.Digest == wanted) && Refusal(e, max) is null);
        if (owner is null)
        {
            await ApiError.NotFound($"No model this server offers to the browser has a file with the digest '{digest}'.").WriteResponseAsync(http.Response);
            return;
        }
        // The registry re-hashes a blob whose size or time changed, so altered bytes are never sent under this digest.
        if (catalog.CheckFiles(owner) is { } altered)
        {
            await ApiError.Server($"'{owner.Id}' cannot be served: {altered}", "model_files_altered").WriteResponseAsync(http.Response);
            return;
        }
        http.Response.Headers.CacheControl = Immutable;
        await TypedResults.PhysicalFile(catalog.Store.Blobs.PathOf(wanted!), "application/octet-stream",
            entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{wanted}\""), enableRangeProcessing: true).ExecuteAsync(http);
    }
}
