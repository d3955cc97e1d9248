using MicroAI.ModelRegistry;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.Observability;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.OpenAI.Classifications;

/// <summary>
/// POST /v1/classifications: labels with scores for text, content bytes or images, from any model
/// with the "classification" capability (ONNX text classifiers, Magika, image classifiers).
/// </summary>
internal static class ClassificationsEndpoint
{
    public static readonly ModelCapability Capability = ModelCapability.Classification;

    /// <summary>Labels returned per input when the request does not say.</summary>
    public const int DefaultTopK = 5;

    public static RouteHandlerBuilder MapClassifications(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/classifications", HandleAsync)
            .WithName("CreateClassification")
            .WithTags("MicroAI")
            .WithSummary("Classify text, content bytes or images")
            .WithDescription("input: a string, {\"image\": \"data:image/png;base64,...\"}, {\"bytes\": \"<base64>\"}, or an array of those; " +
                "top_k: labels per input (default 5, 0 = all). The model decides which kind of input it reads.")
            .WithMetadata(new RequestBodyDocumentation(typeof(ClassificationRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static Task HandleAsync(HttpContext http, IModelHost host, MicroAIMetrics metrics, Microsoft.Extensions.Options.IOptions<RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OpenAIJsonContext.Default.ClassificationRequest, r => RespondAsync(http, r, host, metrics, limits.Value));

    private static async Task<ApiError?> RespondAsync(HttpContext http, ClassificationRequest r, IModelHost host, MicroAIMetrics metrics, RequestLimits limits)
    {
        if (r.Input is null)
            return ApiError.Missing("input");
        if (r.Input.Items.Count == 0)
            return ApiError.BadRequest("'input' must not be an empty array.", "input");
        if (limits.Inputs(r.Input.Items.Count, "input") is { } tooMany)
            return tooMany;
        for (var i = 0; i < r.Input.Items.Count; i++)
        {
            if (limits.Text(r.Input.Items[i].Text, $"input[{i}]") is { } tooLong)
                return tooLong;
        }
        if (r.TopK is < 0)
            return ApiError.BadRequest($"Invalid 'top_k': {r.TopK}. Use 0 for every label or a positive count.", "top_k");

        var (model, loaded, lease, error) = await InferenceModelAccess.AcquireAsync<IClassificationModel>(host, r.Model, Capability, r.KeepAlive, http.RequestAborted);
        if (error is not null)
            return error;
        using (lease)
        {
            var id = loaded!.Entry.Id;
            if (r.Input.Items.Count > model!.MaxBatchSize)
                return ApiError.BadRequest($"'input' has {r.Input.Items.Count} items; '{id}' takes at most {model.MaxBatchSize} per request.", "input");
            var inputs = new List<ClassificationInput>(r.Input.Items.Count);
            for (var i = 0; i < r.Input.Items.Count; i++)
            {
                if (ClassificationInputs.Convert(r.Input.Items[i], i, model.InputKind, id, limits) is var (input, invalid) && invalid is not null)
                    return invalid;
                inputs.Add(input!);
            }

            var result = await model.ClassifyAsync(inputs, http.RequestAborted);
            if (result.Error is { } failed)
                return failed.ToApiError();
            var batch = result.Value!;
            if (batch.PromptTokens > 0)
                metrics.PromptTokens.Add(batch.PromptTokens, new KeyValuePair<string, object?>("model", id));
            Security.TokenUsage.Add(http, batch.PromptTokens);
            var topK = r.TopK is null ? DefaultTopK : r.TopK == 0 ? int.MaxValue : r.TopK.Value;
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteString("object", "list");
                w.WriteString("model", id);
                w.WriteStartArray("data");
                for (var i = 0; i < batch.Outputs.Count; i++)
                {
                    w.WriteStartObject();
                    w.WriteNumber("index", i);
                    w.WriteStartArray("labels");
                    foreach (var label in batch.Outputs[i].Labels.Take(topK))
                    {
                        w.WriteStartObject();
                        w.WriteString("label", label.Label);
                        w.WriteNumber("score", label.Score);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                JsonOutput.WritePromptUsage(w, batch.PromptTokens);
                w.WriteEndObject();
            });
            return null;
        }
    }
}
