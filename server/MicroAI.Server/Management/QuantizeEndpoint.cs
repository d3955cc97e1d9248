using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using MicroAI.Engines.Quantization;
using MicroAI.ModelRegistry.Store;
using MicroAI.Server.OpenAI;
using MicroAI.Server.Security;

namespace MicroAI.Server.Management;

/// <summary>
/// POST /api/quantize (admin): a smaller registry model made from a GGUF one, with lineage. With
/// "stream" (the default) the answer is NDJSON like POST /api/registry/pull: {"status","completed","total"}
/// lines (tensors), then {"status":"success",…} or {"error":{…}}. A refusal (unknown type, not GGUF,
/// not smaller, no disk space) comes before the first line, as a plain 4xx/5xx error. A client that
/// disconnects cancels the quantization and nothing is kept.
/// </summary>
internal static class QuantizeEndpoint
{
    public static IEndpointRouteBuilder MapQuantize(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/quantize", QuantizeAsync).WithTags("Registry").WithName("Quantize")
            .WithMetadata(new Hosting.RequestBodyDocumentation(typeof(QuantizeApiRequest))).RequireScope(ApiScopes.Admin);
        return app;
    }

    private static async Task QuantizeAsync(HttpContext http, IModelQuantizer quantizer)
    {
        var (body, error) = await JsonBody.ReadAsync(http.Request, QuantizeApiJsonContext.Default.QuantizeApiRequest);
        if (error is null && string.IsNullOrWhiteSpace(body!.Model))
            error = ApiError.Missing("model");
        if (error is null && string.IsNullOrWhiteSpace(body!.Type))
            error = ApiError.Missing("type");
        if (error is null && body!.Threads is < 0)
            error = ApiError.BadRequest("threads must be 0 (every core) or positive.", "threads");
        if (error is not null)
        {
            await error.WriteResponseAsync(http.Response);
            return;
        }
        var request = new QuantizeRequest(body!.Model!, body.Type!, body.Name,
            new QuantizeOptions(body.Threads, body.AllowRequantize ?? false, body.LeaveOutputTensor ?? false, body.Pure ?? false));
        http.Items[AuditLog.TargetItem] = $"{request.Model} to {request.Type}" + (request.Name is null ? "" : $" as {request.Name}");
        var ct = http.RequestAborted;

        // Progress arrives on the quantizer's thread; only the newest few matter.
        var updates = Channel.CreateBounded<QuantizeProgress>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var running = Task.Run(async () =>
        {
            try
            {
                return await quantizer.QuantizeAsync(request, body.Stream == false ? null : new ChannelProgress(updates.Writer), ct);
            }
            finally
            {
                updates.Writer.TryComplete();
            }
        }, ct);

        try
        {
            // No line before the checks pass: a refusal is an ordinary error response.
            if (body.Stream == false || !await updates.Reader.WaitToReadAsync(ct))
            {
                var result = await running;
                if (!result.Success)
                    await ToApiError(result).WriteResponseAsync(http.Response);
                else
                    await JsonOutput.WriteResponseAsync(http, w => WriteSuccess(w, result.Manifest!));
                return;
            }

            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/x-ndjson";
            using var w = JsonOutput.CreateWriter(http.Response.BodyWriter);
            await foreach (var p in updates.Reader.ReadAllAsync(ct))
            {
                w.Reset(http.Response.BodyWriter);
                QuantizeProgressJson.Write(w, p);
                await EndLineAsync(http, w, ct);
            }
            var done = await running;
            w.Reset(http.Response.BodyWriter);
            if (done.Success)
                WriteSuccess(w, done.Manifest!);
            else
                ToApiError(done).WriteTo(w);
            await EndLineAsync(http, w, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away: the quantizer deleted its partial file; nothing was kept.
        }
    }

    private static void WriteSuccess(Utf8JsonWriter w, ModelManifest m)
    {
        w.WriteStartObject();
        w.WriteString("status", "success");
        w.WriteString("model", m.ModelName.ToString());
        w.WriteString("digest", m.MainFile?.Digest);
        w.WriteNumber("size", m.TotalSize);
        w.WriteString("type", m.Lineage?.Type);
        w.WriteString("parent", m.Lineage?.ParentName);
        w.WriteString("parent_digest", m.Lineage?.ParentDigest);
        w.WriteEndObject();
    }

    private static ApiError ToApiError(StoreResult r) => r.Kind switch
    {
        StoreErrorKind.NotFound => ApiError.ModelNotFound(r.Error!),
        StoreErrorKind.Invalid => ApiError.BadRequest(r.Error!, null, "invalid_quantization"),
        _ => ApiError.Server(r.Error!, "quantization_failed"),
    };

    private static async Task EndLineAsync(HttpContext http, Utf8JsonWriter w, CancellationToken ct)
    {
        await w.FlushAsync(ct);
        http.Response.BodyWriter.Write("\n"u8);
        await http.Response.BodyWriter.FlushAsync(ct);
    }

    private sealed class ChannelProgress(ChannelWriter<QuantizeProgress> writer) : IProgress<QuantizeProgress>
    {
        public void Report(QuantizeProgress value) => writer.TryWrite(value);
    }
}

/// <summary>POST /api/quantize</summary>
public sealed class QuantizeApiRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    /// <summary>Q8_0, Q6_K, Q5_K_M, Q4_K_M, Q4_0, …</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("threads")] public int? Threads { get; set; }
    [JsonPropertyName("allow_requantize")] public bool? AllowRequantize { get; set; }
    [JsonPropertyName("leave_output_tensor")] public bool? LeaveOutputTensor { get; set; }
    [JsonPropertyName("pure")] public bool? Pure { get; set; }
    /// <summary>NDJSON progress lines (default) or one JSON answer at the end.</summary>
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
}

[JsonSerializable(typeof(QuantizeApiRequest))]
internal sealed partial class QuantizeApiJsonContext : JsonSerializerContext;
