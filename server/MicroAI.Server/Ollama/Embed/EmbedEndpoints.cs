using System.Diagnostics;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.Observability;
using MicroAI.Server.OpenAI;
using MicroAI.Server.OpenAI.Embeddings;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Ollama.Embed;

/// <summary>
/// POST /api/embed (one vector per input, L2-normalised as Ollama returns them) and its older form
/// POST /api/embeddings (one prompt, the model's own vector). The same models and engine path as
/// /v1/embeddings (<see cref="EmbeddingsEndpoint"/>).
/// </summary>
internal static class EmbedEndpoints
{
    public static IEndpointRouteBuilder MapOllamaEmbed(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/embed", EmbedAsync).WithName("OllamaEmbed").WithTags("Ollama")
            .WithMetadata(new RequestBodyDocumentation(typeof(OllamaEmbedRequest)));
        app.MapPost("/api/embeddings", EmbeddingsAsync).WithName("OllamaEmbeddings").WithTags("Ollama")
            .WithMetadata(new RequestBodyDocumentation(typeof(OllamaEmbeddingsRequest)));
        return app;
    }

    private static Task EmbedAsync(HttpContext http, IModelHost host, MicroAIMetrics metrics, IOptions<RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OllamaJsonContext.Default.OllamaEmbedRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Model))
                return OllamaErrors.ModelRequired();
            if (Inputs(r, limits.Value, out var inputs) is { } invalid)
                return invalid;
            if (r.Dimensions is < 1)
                return ApiError.BadRequest($"invalid dimensions: {r.Dimensions}; it must be at least 1", "dimensions");
            var started = Stopwatch.GetTimestamp();
            var (model, loaded, lease, error) = await AcquireAsync(host, r.Model, r.KeepAlive, http.RequestAborted);
            if (error is not null)
                return error;
            var load = Stopwatch.GetElapsedTime(started);
            using (lease)
            {
                var dimensions = r.Dimensions ?? model!.Dimensions;
                if (dimensions > model!.Dimensions)
                    return ApiError.BadRequest($"dimensions is {dimensions}, but '{loaded!.Entry.Id}' makes vectors of {model.Dimensions}", "dimensions");
                // An empty input only loads the model, as in Ollama. Ollama truncates by default;
                // "truncate": false makes a too-long input an error.
                IReadOnlyList<float[]> vectors = [];
                var promptTokens = 0;
                if (inputs.Count > 0)
                {
                    var result = await model.EmbedAsync(inputs, r.Truncate ?? true, http.RequestAborted);
                    if (result.Error is { } failed)
                        return failed.ToApiError();
                    (vectors, promptTokens) = (result.Value!.Vectors, result.Value.PromptTokens);
                    Count(http, metrics, loaded!, promptTokens);
                }
                await JsonOutput.WriteResponseAsync(http, w =>
                {
                    w.WriteStartObject();
                    w.WriteString("model", loaded!.Entry.Id);
                    w.WriteStartArray("embeddings");
                    foreach (var vector in vectors)
                    {
                        var shortened = EmbeddingsEndpoint.Shorten(vector, dimensions);
                        var normalized = ReferenceEquals(shortened, vector) ? (float[])vector.Clone() : shortened;
                        MicroAI.Engines.Embeddings.VectorMath.L2Normalize(normalized);
                        w.WriteStartArray();
                        foreach (var x in normalized)
                            w.WriteNumberValue(x);
                        w.WriteEndArray();
                    }
                    w.WriteEndArray();
                    w.WriteNumber("total_duration", OllamaGenerationWriter.Nanoseconds(Stopwatch.GetElapsedTime(started)));
                    w.WriteNumber("load_duration", OllamaGenerationWriter.Nanoseconds(load));
                    w.WriteNumber("prompt_eval_count", promptTokens);
                    w.WriteEndObject();
                });
                return null;
            }
        });

    private static Task EmbeddingsAsync(HttpContext http, IModelHost host, MicroAIMetrics metrics, IOptions<RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OllamaJsonContext.Default.OllamaEmbeddingsRequest, async r =>
        {
            if (string.IsNullOrWhiteSpace(r.Model))
                return OllamaErrors.ModelRequired();
            if (limits.Value.Text(r.Prompt, "prompt") is { } tooLong)
                return tooLong;
            var (model, loaded, lease, error) = await AcquireAsync(host, r.Model, r.KeepAlive, http.RequestAborted);
            if (error is not null)
                return error;
            using (lease)
            {
                // An empty prompt only loads the model, as in Ollama: the answer is an empty vector.
                float[] vector = [];
                if (!string.IsNullOrEmpty(r.Prompt))
                {
                    var result = await model!.EmbedAsync([EmbeddingInput.FromText(r.Prompt)], true, http.RequestAborted);
                    if (result.Error is { } failed)
                        return failed.ToApiError();
                    vector = result.Value!.Vectors[0];
                    Count(http, metrics, loaded!, result.Value.PromptTokens);
                }
                await JsonOutput.WriteResponseAsync(http, w =>
                {
                    w.WriteStartObject();
                    w.WriteStartArray("embedding");
                    foreach (var x in vector)
                        w.WriteNumberValue(x);
                    w.WriteEndArray();
                    w.WriteEndObject();
                });
                return null;
            }
        });

    private static async Task<(IEmbeddingModel? Model, LoadedInferenceModel? Loaded, ModelLease Lease, ApiError? Error)> AcquireAsync(
        IModelHost host, string model, System.Text.Json.JsonElement? keepAlive, CancellationToken ct)
    {
        var acquired = await InferenceModelAccess.AcquireAsync<IEmbeddingModel>(host, model, EmbeddingsEndpoint.Capability, keepAlive, ct);
        return acquired.Error is { Code: "model_not_found" } ? acquired with { Error = OllamaErrors.ModelNotFound(model) } : acquired;
    }

    private static ApiError? Inputs(OllamaEmbedRequest r, RequestLimits limits, out List<EmbeddingInput> inputs)
    {
        inputs = [];
        if (r.Input is null)
            return ApiError.Missing("input");
        var items = r.Input.Items;
        if (limits.Inputs(items.Count, "input") is { } tooMany)
            return tooMany;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Text is not { } text || (text.Length == 0 && items.Count > 1))
                return ApiError.BadRequest($"input[{i}] must be a non-empty string", $"input[{i}]");
            if (limits.Text(text, $"input[{i}]") is { } tooLong)
                return tooLong;
            if (text.Length > 0)
                inputs.Add(EmbeddingInput.FromText(text));
        }
        return null;
    }

    private static void Count(HttpContext http, MicroAIMetrics metrics, LoadedInferenceModel loaded, int tokens)
    {
        metrics.PromptTokens.Add(tokens, new KeyValuePair<string, object?>("model", loaded.Entry.Id));
        Security.TokenUsage.Add(http, tokens);
    }
}
