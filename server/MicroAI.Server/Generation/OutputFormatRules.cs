using System.Text.Json;
using MicroAI.TextFormats.Grammar;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>
/// Structured outputs: a JSON answer (json_object / json_schema), and forced tool calls,
/// become a GBNF grammar that constrains every sampled token, so the answer parses.
/// </summary>
internal static class OutputFormatRules
{
    public static ApiError? Map(OutputFormat? format, RequestLimits limits, out string? grammar)
    {
        grammar = null;
        switch (format?.Type)
        {
            case null or "text":
                return null;
            case "json_object":
                grammar = JsonSchemaGrammar.AnyJsonObject();
                return null;
            case "json_schema":
                if (format.Schema is not { ValueKind: JsonValueKind.Object } schema)
                    return ApiError.Missing(format.SchemaParam);
                if (limits.Schema(schema, format.SchemaParam) is { } tooLarge)
                    return tooLarge;
                var result = JsonSchemaGrammar.FromSchema(schema);
                if (!result.Success)
                    return ApiError.BadRequest($"'{format.SchemaParam}' cannot be enforced: {result.Error}", format.SchemaParam, "unsupported_schema");
                grammar = result.Grammar;
                return null;
            default:
                return ApiError.BadRequest($"Invalid '{format.Param}.type': '{format.Type}'. Use 'text', 'json_object' or 'json_schema'.", $"{format.Param}.type");
        }
    }

    /// <summary>
    /// A forced call (tool_choice "required" or a named function) as one JSON object
    /// <c>{"name": …, "arguments": {…}}</c> whose arguments follow the function's parameter schema.
    /// </summary>
    public static ApiError? ForcedToolCall(IReadOnlyList<ToolDefinition> tools, string? onlyName, out string? grammar)
    {
        grammar = null;
        var options = new System.Text.Json.Nodes.JsonArray();
        foreach (var tool in tools)
        {
            var f = tool.Function;
            var name = f.GetProperty("name").GetString()!;
            if (onlyName is not null && name != onlyName)
                continue;
            // No parameters means none (OpenAI's reading), so the arguments can only be {}.
            var parameters = f.TryGetProperty("parameters", out var p)
                ? System.Text.Json.Nodes.JsonNode.Parse(p.GetRawText())
                : new System.Text.Json.Nodes.JsonObject { ["type"] = "object", ["properties"] = new System.Text.Json.Nodes.JsonObject() };
            options.Add(new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "object",
                ["properties"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["name"] = new System.Text.Json.Nodes.JsonObject { ["const"] = name },
                    ["arguments"] = parameters,
                },
                ["required"] = new System.Text.Json.Nodes.JsonArray("name", "arguments"),
                ["additionalProperties"] = false,
            });
        }
        System.Text.Json.Nodes.JsonNode root = options.Count == 1 ? options[0]!.DeepClone() : new System.Text.Json.Nodes.JsonObject { ["anyOf"] = options };
        using var document = JsonDocument.Parse(root.ToJsonString());
        var schema = document.RootElement;
        var result = JsonSchemaGrammar.FromSchema(schema);
        if (!result.Success)
            return ApiError.BadRequest($"The tool parameters cannot be enforced for a forced call: {result.Error}", "tools", "unsupported_schema");
        grammar = result.Grammar;
        return null;
    }
}
