using MicroAI.ModelRegistry;
using System.Buffers.Binary;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.Observability;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.OpenAI.Embeddings;

/// <summary>POST /v1/embeddings: OpenAI's embeddings, served by any model with the "embeddings" capability.</summary>
internal static class EmbeddingsEndpoint
{
    public static readonly ModelCapability Capability = ModelCapability.Embeddings;

    public static RouteHandlerBuilder MapEmbeddings(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/embeddings", HandleAsync)
            .WithName("CreateEmbedding")
            .WithTags("OpenAI")
            .WithMetadata(new RequestBodyDocumentation(typeof(EmbeddingRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static Task HandleAsync(HttpContext http, IModelHost host, MicroAIMetrics metrics, Microsoft.Extensions.Options.IOptions<RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OpenAIJsonContext.Default.EmbeddingRequest, r => RespondAsync(http, r, host, metrics, limits.Value));

    private static async Task<ApiError?> RespondAsync(HttpContext http, EmbeddingRequest r, IModelHost host, MicroAIMetrics metrics, RequestLimits limits)
    {
        if (Validate(r, limits, out var inputs, out var base64) is { } invalid)
            return invalid;
        var (model, loaded, lease, error) = await InferenceModelAccess.AcquireAsync<IEmbeddingModel>(host, r.Model, Capability, r.KeepAlive, http.RequestAborted);
        if (error is not null)
            return error;
        using (lease)
        {
            var dimensions = r.Dimensions ?? model!.Dimensions;
            if (dimensions > model!.Dimensions)
                return ApiError.BadRequest($"'dimensions' is {dimensions}, but '{loaded!.Entry.Id}' makes vectors of {model.Dimensions}.", "dimensions");
            var result = await model.EmbedAsync(inputs, r.Truncate ?? false, http.RequestAborted);
            if (result.Error is { } failed)
                return failed.ToApiError();
            var batch = result.Value!;
            metrics.PromptTokens.Add(batch.PromptTokens, new KeyValuePair<string, object?>("model", loaded!.Entry.Id));
            Security.TokenUsage.Add(http, batch.PromptTokens);
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteString("object", "list");
                w.WriteStartArray("data");
                for (var i = 0; i < batch.Vectors.Count; i++)
                {
                    var vector = Shorten(batch.Vectors[i], dimensions);
                    w.WriteStartObject();
                    w.WriteString("object", "embedding");
                    w.WriteNumber("index", i);
                    if (base64)
                    {
                        w.WriteBase64String("embedding", ToLittleEndianBytes(vector));
                    }
                    else
                    {
                        w.WriteStartArray("embedding");
                        foreach (var x in vector)
                            w.WriteNumberValue(x);
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteString("model", loaded.Entry.Id);
                JsonOutput.WritePromptUsage(w, batch.PromptTokens);
                w.WriteEndObject();
            });
            return null;
        }
    }

    private static ApiError? Validate(EmbeddingRequest r, RequestLimits limits, out List<EmbeddingInput> inputs, out bool base64)
    {
        inputs = [];
        base64 = false;
        if (r.Input is null)
            return ApiError.Missing("input");
        var items = r.Input.Items;
        if (items.Count == 0)
            return ApiError.BadRequest("'input' must not be an empty array.", "input");
        if (limits.Inputs(items.Count, "input") is { } tooMany)
            return tooMany;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Text is { Length: 0 } || item.Tokens is { Length: 0 })
                return ApiError.BadRequest($"'input[{i}]' is empty; every input must have some text or tokens.", $"input[{i}]");
            if ((item.Tokens is { } ids ? limits.TokenIds(ids.Length, $"input[{i}]") : limits.Text(item.Text, $"input[{i}]")) is { } tooLong)
                return tooLong;
            inputs.Add(item.Text is not null ? EmbeddingInput.FromText(item.Text) : EmbeddingInput.FromTokens(item.Tokens!));
        }
        switch (r.EncodingFormat)
        {
            case null or "float":
                break;
            case "base64":
                base64 = true;
                break;
            default:
                return ApiError.BadRequest($"Invalid 'encoding_format': '{r.EncodingFormat}'. Use 'float' or 'base64'.", "encoding_format");
        }
        if (r.Dimensions is < 1)
            return ApiError.BadRequest($"Invalid 'dimensions': {r.Dimensions}. It must be at least 1.", "dimensions");
        return null;
    }

    /// <summary>The first <paramref name="dimensions"/> values, L2-normalised again (OpenAI's text-embedding-3 semantics); the vector itself when not shortened.</summary>
    internal static float[] Shorten(float[] vector, int dimensions)
    {
        if (dimensions >= vector.Length)
            return vector;
        var result = vector[..dimensions];
        MicroAI.Engines.Embeddings.VectorMath.L2Normalize(result);
        return result;
    }

    /// <summary>Little-endian float32, which is what the OpenAI clients decode (the .NET client always asks for base64).</summary>
    private static byte[] ToLittleEndianBytes(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }
}
