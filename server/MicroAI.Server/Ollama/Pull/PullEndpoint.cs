using System.Threading.Channels;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using MicroAI.Server.Hosting;
using MicroAI.Server.Management;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Security;

namespace MicroAI.Server.Ollama.Pull;

/// <summary>
/// POST /api/pull in Ollama's shape over the registry's pull: <c>model</c> is what the registry
/// pulls from (an http(s) URL or <c>hf://owner/repo/file.gguf</c>; the model is named after the
/// file). Progress lines are Ollama's (<c>status</c>, <c>digest</c>, <c>total</c>, <c>completed</c>),
/// ending with <c>{"status":"success"}</c>. An Ollama library name cannot be resolved yet and is
/// refused before anything starts. Admin, like the registry's own pull.
/// </summary>
internal static class PullEndpoint
{
    public static RouteHandlerBuilder MapOllamaPull(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/pull", HandleAsync).WithName("OllamaPull").WithTags("Ollama").RequireScope(ApiScopes.Admin)
            .WithMetadata(new RequestBodyDocumentation(typeof(OllamaPullRequest)));

    private static Task HandleAsync(HttpContext http, IModelCatalog catalog, PullHttpClient client) =>
        JsonBody.HandleAsync(http, OllamaJsonContext.Default.OllamaPullRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Target))
                return OllamaErrors.ModelRequired();
            if (!ModelSourceUri.TryParse(r.Target, HuggingFaceOptions.FromEnvironment(), out _, out _))
            {
                return ApiError.BadRequest($"pull model manifest: cannot resolve '{r.Target}': MicroAI pulls from an http(s):// URL of a .gguf or .onnx file " +
                    "or hf://owner/repo/path/file.gguf; names from Ollama's library (registry.ollama.ai) are not supported yet.", "model");
            }
            http.Items[AuditLog.TargetItem] = r.Target;
            var pull = new PullRequest(r.Target);
            var ct = http.RequestAborted;
            if (r.Stream == false)
            {
                var result = await catalog.Store.PullAsync(pull, client.Http, null, ct);
                if (!result.Success)
                    return ToError(result);
                await JsonOutput.WriteResponseAsync(http, w => { w.WriteStartObject(); w.WriteString("status", "success"); w.WriteEndObject(); });
                return null;
            }
            await StreamAsync(http, catalog, client, pull, ct);
            return null;
        });

    private static async Task StreamAsync(HttpContext http, IModelCatalog catalog, PullHttpClient client, PullRequest pull, CancellationToken ct)
    {
        // Progress arrives on the download's thread; only the newest few matter.
        var updates = Channel.CreateBounded<PullProgress>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var running = Task.Run(async () =>
        {
            try
            {
                return await catalog.Store.PullAsync(pull, client.Http, new ChannelProgress(updates.Writer), ct);
            }
            finally
            {
                updates.Writer.TryComplete();
            }
        }, ct);

        NdjsonWriter.PrepareResponse(http.Response);
        using var lines = new NdjsonWriter(http.Response.BodyWriter);
        try
        {
            await foreach (var p in updates.Reader.ReadAllAsync(ct))
            {
                var w = lines.BeginLine();
                w.WriteStartObject();
                switch (p.Status)
                {
                    case PullProgress.Resolving:
                        w.WriteString("status", "pulling manifest");
                        break;
                    case PullProgress.Downloading:
                        w.WriteString("status", "pulling " + pull.Source);
                        if (p.Total is { } total) w.WriteNumber("total", total);
                        w.WriteNumber("completed", p.Completed);
                        break;
                    case PullProgress.Verifying:
                        w.WriteString("status", "verifying sha256 digest");
                        break;
                    default:
                        w.WriteString("status", "writing manifest");
                        break;
                }
                w.WriteEndObject();
                await lines.EndLineAsync(ct);
            }
            var result = await running;
            if (!result.Success)
            {
                await lines.WriteErrorAsync(result.Error!, ct);
                return;
            }
            var done = lines.BeginLine();
            done.WriteStartObject();
            done.WriteString("status", "success");
            // Not in Ollama's shape: the name the model was saved under, which an URL does not say.
            done.WriteString("model", result.Manifest!.ModelName.ToString());
            if (result.Manifest.MainFile?.Digest is { } digest) done.WriteString("digest", digest);
            done.WriteEndObject();
            await lines.EndLineAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; the download stopped with it and keeps its bytes for a resume.
        }
    }

    private static ApiError ToError(StoreResult r) => r.Kind switch
    {
        StoreErrorKind.NotFound => new ApiError(StatusCodes.Status404NotFound, r.Error!, "invalid_request_error", "model", "not_found"),
        StoreErrorKind.Invalid => ApiError.BadRequest(r.Error!, "model"),
        StoreErrorKind.Upstream => new ApiError(StatusCodes.Status502BadGateway, r.Error!, "server_error", "model", "source_unreachable"),
        _ => ApiError.Server(r.Error!, "registry_failure"),
    };

    private sealed class ChannelProgress(ChannelWriter<PullProgress> writer) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => writer.TryWrite(value);
    }
}
