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
/// POST /v1/classifications: labels with scores for text, content bytes or images, and labels or
/// scores for feature rows, from any model with the "classification" capability (ONNX text
/// classifiers, Magika, image classifiers, tabular classifiers, regressors and outlier detectors).
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
            .WithSummary("Classify text, content bytes or images; score feature rows")
            .WithDescription("input: a string, {\"image\": \"data:image/png;base64,...\"}, {\"bytes\": \"<base64>\"}, " +
                "{\"features\": [numbers]} or {\"values\": {\"name\": number}} (tabular models), or an array of those; " +
                "top_k: labels per input (default 5, 0 = all). The model decides which kind of input it reads.")
            .WithMetadata(new RequestBodyDocumentation(typeof(ClassificationRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static Task HandleAsync(HttpContext http, IModelHost host, MicroAIMetrics metrics, Microsoft.Extensions.Options.IOptions<RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OpenAIJsonContext.Default.ClassificationRequest, r => RespondAsync(http, r, host, metrics, limits.Value));

    /// <summary>
    /// One input's result: "labels" for classifiers; "label" when the model decides one itself (tabular
    /// classifiers, outlier detectors); "score" (or "scores" for several targets) for regressors and
    /// outlier detectors; "outlier" for outlier detectors.
    /// </summary>
    private static void WriteOutput(System.Text.Json.Utf8JsonWriter w, int index, ClassificationOutput output, int topK)
    {
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (output.Label is not null)
            w.WriteString("label", output.Label);
        if (output.Values is { } values)
        {
            if (values.Count == 1)
            {
                w.WritePropertyName("score");
                WriteNumber(w, values[0]);
            }
            else
            {
                w.WriteStartArray("scores");
                foreach (var v in values)
                    WriteNumber(w, v);
                w.WriteEndArray();
            }
        }
        if (output.Outlier is { } outlier)
            w.WriteBoolean("outlier", outlier);
        if (output.Values is null)
        {
            w.WriteStartArray("labels");
            foreach (var label in output.Labels.Take(topK))
            {
                w.WriteStartObject();
                w.WriteString("label", label.Label);
                w.WriteNumber("score", label.Score);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>A value that came from a float32 output is written as that float (12.5, not 12.5000002).</summary>
    private static void WriteNumber(System.Text.Json.Utf8JsonWriter w, double value)
    {
        if (!double.IsFinite(value))
            w.WriteNullValue();
        else if ((double)(float)value == value)
            w.WriteNumberValue((float)value);
        else
            w.WriteNumberValue(value);
    }

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
                if (ClassificationInputs.Convert(r.Input.Items[i], i, model, id, limits) is var (input, invalid) && invalid is not null)
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
                    WriteOutput(w, i, batch.Outputs[i], topK);
                w.WriteEndArray();
                JsonOutput.WritePromptUsage(w, batch.PromptTokens);
                w.WriteEndObject();
            });
            return null;
        }
    }
}
