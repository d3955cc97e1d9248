using System.Text.Json;
using System.Text.RegularExpressions;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>How a chat request's tools are used: offered to the model and read back from its output.</summary>
/// <param name="ForcedGrammar">For tool_choice "required" or a named function: the grammar that makes the output one call as generic JSON.</param>
internal sealed record ToolPlan(IReadOnlyList<JsonElement> Tools, IReadOnlyList<string> Names, bool Parallel, string? ForcedGrammar = null);

/// <summary>Validates <c>tools</c>, <c>tool_choice</c> and <c>parallel_tool_calls</c> (OpenAI's rules and limits).</summary>
internal static partial class ToolsMapper
{
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();

    public static ApiError? Map(ChatCompletionRequest r, RequestLimits limits, out ToolPlan? plan)
    {
        plan = null;
        var tools = r.Tools ?? [];
        if (limits.Tools(tools.Count) is { } tooMany)
            return tooMany;
        var names = new List<string>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var t = tools[i];
            if (t.ValueKind != JsonValueKind.Object || !t.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function")
                return ApiError.BadRequest($"'tools[{i}].type' must be \"function\".", $"tools[{i}].type");
            if (!t.TryGetProperty("function", out var f) || f.ValueKind != JsonValueKind.Object)
                return ApiError.Missing($"tools[{i}].function");
            if (!f.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || !FunctionName().IsMatch(n.GetString()!))
                return ApiError.BadRequest($"'tools[{i}].function.name' must be 1–64 letters, digits, '_' or '-'.", $"tools[{i}].function.name");
            if (f.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest($"'tools[{i}].function.parameters' must be a JSON Schema object.", $"tools[{i}].function.parameters");
            if (p.ValueKind == JsonValueKind.Object && limits.Schema(p, $"tools[{i}].function.parameters") is { } schemaTooLarge)
                return schemaTooLarge;
            if (names.Contains(n.GetString()!))
                return ApiError.BadRequest($"'tools' names '{n.GetString()}' twice.", $"tools[{i}].function.name");
            names.Add(n.GetString()!);
        }

        var choice = "auto";
        if (r.ToolChoice is { } tc && tc.ValueKind != JsonValueKind.Null)
        {
            if (tc.ValueKind == JsonValueKind.String && tc.GetString() is "none" or "auto" or "required")
                choice = tc.GetString()!;
            else if (tc.ValueKind == JsonValueKind.Object && tc.TryGetProperty("function", out var cf) && cf.ValueKind == JsonValueKind.Object && cf.TryGetProperty("name", out var cn) && cn.ValueKind == JsonValueKind.String)
                choice = "function:" + cn.GetString();
            else
                return ApiError.BadRequest("'tool_choice' must be \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}.", "tool_choice");
            if (choice != "none" && tools.Count == 0)
                return ApiError.BadRequest("'tool_choice' is only allowed when 'tools' are given.", "tool_choice");
            if (choice.StartsWith("function:", StringComparison.Ordinal) && !names.Contains(choice[9..]))
                return ApiError.BadRequest($"'tool_choice' names '{choice[9..]}', which is not in 'tools'.", "tool_choice");
        }
        if (tools.Count == 0 || choice == "none")
            return null;
        string? forced = null;
        if (choice is "required" || choice.StartsWith("function:", StringComparison.Ordinal))
        {
            if (StructuredOutputMapper.ForcedToolCall(tools, choice == "required" ? null : choice[9..], out forced) is { } grammarError)
                return grammarError;
        }
        plan = new ToolPlan(tools, names, r.ParallelToolCalls ?? true, forced);
        return null;
    }
}
