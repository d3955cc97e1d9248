using System.Text.Json;
using System.Text.RegularExpressions;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>How a request's tools are used: offered to the model and read back from its output.</summary>
/// <param name="ForcedGrammar">For tool_choice "required" or a named function: the grammar that makes the output one call as generic JSON.</param>
internal sealed record ToolPlan(IReadOnlyList<JsonElement> Tools, IReadOnlyList<string> Names, bool Parallel, string? ForcedGrammar = null);

/// <summary>
/// Validates the tools a protocol's mapper found (OpenAI's rules: names, parameter schemas and their
/// limits, tool_choice against the names) and plans their use.
/// </summary>
internal static partial class ToolRules
{
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();

    public static ApiError? Map(IReadOnlyList<ToolDefinition> tools, ToolChoice choice, bool? parallel, RequestLimits limits, out ToolPlan? plan)
    {
        plan = null;
        var names = new List<string>(tools.Count);
        foreach (var tool in tools)
        {
            var f = tool.Function;
            if (!f.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || !FunctionName().IsMatch(n.GetString()!))
                return ApiError.BadRequest($"'{tool.Param}.name' must be 1–64 letters, digits, '_' or '-'.", $"{tool.Param}.name");
            if (f.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Object)
                return ApiError.BadRequest($"'{tool.Param}.parameters' must be a JSON Schema object.", $"{tool.Param}.parameters");
            if (p.ValueKind == JsonValueKind.Object && limits.Schema(p, $"{tool.Param}.parameters") is { } schemaTooLarge)
                return schemaTooLarge;
            if (names.Contains(n.GetString()!))
                return ApiError.BadRequest($"'tools' names '{n.GetString()}' twice.", $"{tool.Param}.name");
            names.Add(n.GetString()!);
        }

        if (choice.Mode is not (ToolChoiceMode.Unset or ToolChoiceMode.None) && tools.Count == 0)
            return ApiError.BadRequest("'tool_choice' is only allowed when 'tools' are given.", "tool_choice");
        if (choice.Mode == ToolChoiceMode.Function && !names.Contains(choice.Name!))
            return ApiError.BadRequest($"'tool_choice' names '{choice.Name}', which is not in 'tools'.", "tool_choice");
        if (tools.Count == 0 || choice.Mode == ToolChoiceMode.None)
            return null;
        string? forced = null;
        if (choice.Mode is ToolChoiceMode.Required or ToolChoiceMode.Function)
        {
            if (OutputFormatRules.ForcedToolCall(tools, choice.Name, out forced) is { } grammarError)
                return grammarError;
        }
        plan = new ToolPlan(tools.Select(t => t.Definition).ToList(), names, parallel ?? true, forced);
        return null;
    }
}
