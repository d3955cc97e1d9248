using System.Security.Cryptography;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;
using Microsoft.Extensions.Options;
using MicroAI.Server.OpenAI.Classifications;

namespace MicroAI.Server.OpenAI.Moderations;

/// <summary>
/// POST /v1/moderations in OpenAI's response shape, answered by a text classifier whose labels are
/// mapped to moderation categories in <see cref="ModerationOptions"/>.
/// </summary>
internal static class ModerationsEndpoint
{
    public static RouteHandlerBuilder MapModerations(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/moderations", HandleAsync)
            .WithName("CreateModeration")
            .WithTags("OpenAI")
            .WithMetadata(new RequestBodyDocumentation(typeof(ModerationRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static Task HandleAsync(HttpContext http, IModelHost host, IOptions<ModerationOptions> options, IOptions<RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OpenAIJsonContext.Default.ModerationRequest, r => RespondAsync(http, r, host, options.Value, limits.Value));

    private static async Task<ApiError?> RespondAsync(HttpContext http, ModerationRequest r, IModelHost host, ModerationOptions options, RequestLimits limits)
    {
        if (r.Input is null)
            return ApiError.Missing("input");
        if (r.Input.Texts.Count == 0)
            return ApiError.BadRequest("'input' must not be an empty array.", "input");
        if (limits.Inputs(r.Input.Texts.Count, "input") is { } tooMany)
            return tooMany;
        for (var i = 0; i < r.Input.Texts.Count; i++)
        {
            if (limits.Text(r.Input.Texts[i], $"input[{i}]") is { } tooLong)
                return tooLong;
        }
        var modelId = r.Model ?? options.Model;
        if (string.IsNullOrEmpty(modelId))
            return ApiError.BadRequest("No moderation model is configured (MicroAI:Moderation:Model) and the request names none.", "model", "model_not_supported");
        if (options.Categories.Count == 0)
            return ApiError.BadRequest($"The model '{modelId}' has no labels configured as moderation categories (MicroAI:Moderation:Categories maps label → category).", "model", "model_not_supported");

        var (model, loaded, lease, error) = await InferenceModelAccess.AcquireAsync<IClassificationModel>(host, modelId, ClassificationsEndpoint.Capability, r.KeepAlive, http.RequestAborted);
        if (error is not null)
            return error;
        using (lease)
        {
            var id = loaded!.Entry.Id;
            if (model!.InputKind != ClassificationInputKind.Text)
                return ApiError.BadRequest($"The model '{id}' does not classify text, so it cannot moderate.", "model", "model_not_supported");
            var categories = model.Labels.Where(options.Categories.ContainsKey).Select(l => options.Categories[l]).Distinct(StringComparer.Ordinal).ToList();
            if (categories.Count == 0)
                return ApiError.BadRequest($"None of the labels of '{id}' ({string.Join(", ", model.Labels.Take(10))}) is configured as a moderation category (MicroAI:Moderation:Categories).", "model", "model_not_supported");
            if (r.Input.Texts.Count > model.MaxBatchSize)
                return ApiError.BadRequest($"'input' has {r.Input.Texts.Count} items; '{id}' takes at most {model.MaxBatchSize} per request.", "input");
            for (var i = 0; i < r.Input.Texts.Count; i++)
            {
                if (r.Input.Texts[i].Length == 0)
                    return ApiError.BadRequest($"'input[{i}]' is empty.", $"input[{i}]");
            }

            var result = await model.ClassifyAsync(r.Input.Texts.Select(ClassificationInput.FromText).ToList(), http.RequestAborted);
            if (result.Error is { } failed)
                return failed.ToApiError();
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteString("id", "modr-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)));
                w.WriteString("model", id);
                w.WriteStartArray("results");
                foreach (var output in result.Value!.Outputs)
                {
                    // Several labels may map to one category: the category scores the highest of them.
                    var scores = categories.ToDictionary(c => c, _ => 0f, StringComparer.Ordinal);
                    foreach (var (label, score) in output.Labels)
                    {
                        if (options.Categories.TryGetValue(label, out var category))
                            scores[category] = Math.Max(scores[category], score);
                    }
                    var flags = scores.ToDictionary(kv => kv.Key, kv => kv.Value >= (options.Thresholds.TryGetValue(kv.Key, out var t) ? t : options.Threshold), StringComparer.Ordinal);
                    w.WriteStartObject();
                    w.WriteBoolean("flagged", flags.Values.Any(f => f));
                    w.WriteStartObject("categories");
                    foreach (var c in categories)
                        w.WriteBoolean(c, flags[c]);
                    w.WriteEndObject();
                    w.WriteStartObject("category_scores");
                    foreach (var c in categories)
                        w.WriteNumber(c, scores[c]);
                    w.WriteEndObject();
                    w.WriteStartObject("category_applied_input_types");
                    foreach (var c in categories)
                    {
                        w.WriteStartArray(c);
                        w.WriteStringValue("text");
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return null;
        }
    }
}
