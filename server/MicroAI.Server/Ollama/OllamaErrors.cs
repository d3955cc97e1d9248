using System.Text.Json;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Ollama;

/// <summary>
/// Checks every Ollama route shares, worded as Ollama words them where clients match on the words
/// (OllamaSharp turns a 400 body's "error" into its exception message).
/// </summary>
internal static class OllamaErrors
{
    public static ApiError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound, $"model '{model}' not found", "invalid_request_error", "model", "model_not_found");

    public static ApiError ModelRequired() => ApiError.BadRequest("model is required", "model");

    /// <summary>No vision models are served: images are refused, not silently dropped.</summary>
    public static ApiError? Images(List<string>? images, string param) => images is { Count: > 0 }
        ? ApiError.Unsupported(param, $"'{param}' is not supported: no model on this server reads images.")
        : null;

    /// <summary>
    /// Ollama's per-request template is Go template text written for Ollama's renderer; this server
    /// renders the model's Jinja template, so a Go template would be misread rather than applied.
    /// </summary>
    public static ApiError? Template(string? template) => string.IsNullOrEmpty(template) ? null
        : ApiError.Unsupported("template", "'template' (an Ollama Go template) is not supported: MicroAI renders the model's own Jinja chat template. Use \"raw\": true with a prompt you format yourself, or /v1/chat/completions with \"chat_template\" (Jinja).");

    /// <summary>No model here reasons in a separate channel: think:true is refused as Ollama refuses it for such models.</summary>
    public static ApiError? Think(JsonElement? think, string model) => think is { ValueKind: JsonValueKind.True or JsonValueKind.String }
        ? ApiError.BadRequest($"\"{model}\" does not support thinking", "think")
        : null;

    /// <summary><c>format</c>: "json", a JSON schema object, or empty for free text.</summary>
    public static ApiError? Format(JsonElement? format, out OutputFormat? output)
    {
        output = null;
        switch (format)
        {
            case null or { ValueKind: JsonValueKind.Null }:
            case { ValueKind: JsonValueKind.String } when format.Value.GetString() is "":
                return null;
            case { ValueKind: JsonValueKind.String } when format.Value.GetString() is "json":
                output = new OutputFormat("json_object", null, "format", "format");
                return null;
            case { ValueKind: JsonValueKind.Object } schema:
                output = new OutputFormat("json_schema", schema, "format", "format");
                return null;
            default:
                return ApiError.BadRequest("invalid format: expected \"json\" or a JSON schema object", "format");
        }
    }

    /// <summary>The same rules as generation for keep_alive, read once so an empty request can load or unload with it.</summary>
    public static ApiError? KeepAlive(JsonElement? value, out TimeSpan? keepAlive) => SamplingRules.MapKeepAlive(value, out keepAlive);
}
