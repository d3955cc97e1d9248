using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using MicroAI.Runtime.Models;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Security;

namespace MicroAI.Server.Management;

/// <summary>
/// Registry management under /api (kept apart from the OpenAI routes so it can be protected on
/// its own): list and show models with their metadata, pull with streamed progress, tag, delete.
/// </summary>
internal static class RegistryEndpoints
{
    public static IEndpointRouteBuilder MapRegistry(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Registry");
        api.MapGet("/models", ListAsync).WithName("RegistryListModels");
        api.MapGet("/models/{**name}", ShowAsync).WithName("RegistryShowModel");
        api.MapDelete("/models/{**name}", DeleteAsync).WithName("RegistryDeleteModel").RequireScope(ApiScopes.Admin);
        api.MapPost("/registry/pull", PullAsync).WithName("RegistryPull").WithMetadata(new Hosting.RequestBodyDocumentation(typeof(PullApiRequest))).RequireScope(ApiScopes.Admin);
        api.MapPost("/tag", TagAsync).WithName("RegistryTag").WithMetadata(new Hosting.RequestBodyDocumentation(typeof(TagApiRequest))).RequireScope(ApiScopes.Admin);
        return app;
    }

    private static async Task ListAsync(HttpContext http, IModelCatalog catalog, IModelHost host)
    {
        await WriteJsonAsync(http, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("models");
            foreach (var m in catalog.List())
            {
                w.WriteStartObject();
                w.WriteString("id", m.Id);
                w.WritePropertyName("metadata");
                ModelJson.WriteMetadata(w, m, IsLoaded(host, m.Id));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task ShowAsync(HttpContext http, string name, IModelCatalog catalog, IModelHost host, Microsoft.Extensions.Options.IOptions<ModelRegistryOptions> registry)
    {
        var follow = Fleet.FollowStatus.Find(registry.Value, name);
        if (catalog.Find(name) is not { } entry)
        {
            // A followed model whose first pull has not succeeded yet: its status says why.
            if (follow is not null)
            {
                await WriteJsonAsync(http, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("id", name);
                    Fleet.FollowStatus.Write(w, follow.Value.Settings, follow.Value.State);
                    w.WriteEndObject();
                });
                return;
            }
            await ApiError.ModelNotFound($"The model '{name}' does not exist.").WriteResponseAsync(http.Response);
            return;
        }
        await WriteJsonAsync(http, w => ModelJson.WriteDetails(w, entry, IsLoaded(host, entry.Id),
            follow is { } f ? inner => Fleet.FollowStatus.Write(inner, f.Settings, f.State) : null));
    }

    private static async Task DeleteAsync(HttpContext http, string name, IModelCatalog catalog, IModelHost host, ILoggerFactory logs)
    {
        var entry = catalog.Find(name);
        if (entry is not null && entry.Source != "registry")
        {
            await ApiError.BadRequest($"'{entry.Id}' is not in the registry: it comes from {entry.Source} ({entry.Path}).", "name", "not_in_registry")
                .WriteResponseAsync(http.Response);
            return;
        }
        if (entry is not null)
            await host.UnloadAsync(entry.Id);
        var removed = await catalog.Store.RemoveAsync(name, http.RequestAborted);
        if (!removed.Success)
        {
            await ToApiError(removed).WriteResponseAsync(http.Response);
            return;
        }
        logs.CreateLogger("MicroAI.Registry").LogInformation("Deleted model {Model}", removed.Manifest!.ModelName);
        await WriteJsonAsync(http, w => { w.WriteStartObject(); w.WriteString("deleted", removed.Manifest!.ModelName.ToString()); w.WriteEndObject(); });
    }

    private static async Task TagAsync(HttpContext http, IModelCatalog catalog)
    {
        var (request, error) = await JsonBody.ReadAsync(http.Request, RegistryApiJsonContext.Default.TagApiRequest);
        if (error is null && string.IsNullOrEmpty(request!.Source))
            error = ApiError.Missing("source");
        if (error is null && string.IsNullOrEmpty(request!.Target))
            error = ApiError.Missing("target");
        if (error is not null)
        {
            await error.WriteResponseAsync(http.Response);
            return;
        }
        http.Items[AuditLog.TargetItem] = $"{request!.Source} -> {request.Target}";
        var tagged = await catalog.Store.TagAsync(request!.Source!, request.Target!, http.RequestAborted);
        if (!tagged.Success)
        {
            await ToApiError(tagged).WriteResponseAsync(http.Response);
            return;
        }
        await WriteJsonAsync(http, w => { w.WriteStartObject(); w.WriteString("tagged", tagged.Manifest!.ModelName.ToString()); w.WriteEndObject(); });
    }

    /// <summary>
    /// Pulls a model. With "stream" (the default) the answer is NDJSON: progress lines
    /// {"status","completed","total","bytes_per_second","eta_seconds"}, then {"status":"success","model"}
    /// or {"error":{...}}. A client that disconnects stops the download; its bytes stay for a resume.
    /// </summary>
    private static async Task PullAsync(HttpContext http, IModelCatalog catalog, PullHttpClient client, IConfiguration configuration, Microsoft.Extensions.Options.IOptions<ModelRegistryOptions> options)
    {
        var (request, error) = await JsonBody.ReadAsync(http.Request, RegistryApiJsonContext.Default.PullApiRequest);
        if (error is null && string.IsNullOrWhiteSpace(request!.Source))
            error = ApiError.Missing("source");
        if (error is not null)
        {
            await error.WriteResponseAsync(http.Response);
            return;
        }
        var pull = new PullRequest(request!.Source!, request.Name, request.Digest);
        http.Items[AuditLog.TargetItem] = request.Name is null ? request.Source : $"{request.Source} as {request.Name}";
        var ct = http.RequestAborted;
        // An OCI reference (oci://…, host[:port]/repository[:tag|@digest]) goes through the registry client; URLs as before.
        Func<IProgress<PullProgress>?, Task<StoreResult>> run = OciReference.IsOciReference(pull.Source)
            ? p => new OciRegistry(catalog.Store, client.Http, OciConfiguration.From(configuration, options.Value)).PullAsync(pull, p, ct)
            : p => catalog.Store.PullAsync(pull, client.Http, p, ct);

        if (request.Stream == false)
        {
            var result = await run(null);
            if (!result.Success)
                await ToApiError(result).WriteResponseAsync(http.Response);
            else
                await WriteJsonAsync(http, w => WriteSuccess(w, result.Manifest!));
            return;
        }

        // Progress arrives on the download's thread; only the newest few matter.
        var updates = Channel.CreateBounded<PullProgress>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var running = Task.Run(async () =>
        {
            try
            {
                return await run(new ChannelProgress(updates.Writer));
            }
            finally
            {
                updates.Writer.TryComplete();
            }
        }, ct);

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/x-ndjson";
        using var w = JsonOutput.CreateWriter(http.Response.BodyWriter);
        try
        {
            await foreach (var p in updates.Reader.ReadAllAsync(ct))
            {
                w.Reset(http.Response.BodyWriter);
                PullProgressJson.Write(w, p);
                await EndLineAsync(http, w, ct);
            }
            var result = await running;
            w.Reset(http.Response.BodyWriter);
            if (result.Success)
                WriteSuccess(w, result.Manifest!);
            else
                ToApiError(result).WriteTo(w);
            await EndLineAsync(http, w, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; the download stopped with it and keeps its bytes for a resume.
        }
    }

    private static void WriteSuccess(Utf8JsonWriter w, ModelManifest m)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteString("model", m.ModelName.ToString());
        w.WriteString("digest", m.MainFile?.Digest);
        w.WriteNumber("size", m.TotalSize);
        w.WriteEndObject();
    }

    private static async Task EndLineAsync(HttpContext http, Utf8JsonWriter w, CancellationToken ct)
    {
        await w.FlushAsync(ct);
        http.Response.BodyWriter.Write("\n"u8);
        await http.Response.BodyWriter.FlushAsync(ct);
    }

    private static ApiError ToApiError(StoreResult r) => r.Kind switch
    {
        StoreErrorKind.NotFound => new ApiError(StatusCodes.Status404NotFound, r.Error!, "invalid_request_error", null, "not_found"),
        StoreErrorKind.Invalid => ApiError.BadRequest(r.Error!, null),
        // A gateway's answer for an upstream that failed: the request was fine and so is this server.
        StoreErrorKind.Upstream => new ApiError(StatusCodes.Status502BadGateway, r.Error!, "server_error", "source", "source_unreachable"),
        _ => ApiError.Server(r.Error!, "registry_failure"),
    };

    private static bool IsLoaded(IModelHost host, string id) => host.Loaded.Any(l => string.Equals(l.Entry.Id, id, StringComparison.OrdinalIgnoreCase));

    private static Task WriteJsonAsync(HttpContext http, Action<Utf8JsonWriter> write) => JsonOutput.WriteResponseAsync(http, write);

    private sealed class ChannelProgress(ChannelWriter<PullProgress> writer) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => writer.TryWrite(value);
    }
}

/// <summary>The one HttpClient the server pulls with (connection pooling across pulls).</summary>
internal sealed class PullHttpClient : IDisposable
{
    public HttpClient Http { get; } = HttpBlobDownloader.CreateHttpClient();
    public void Dispose() => Http.Dispose();
}
