using System.Text.Json;
using MicroAI.Server.Generation;

namespace MicroAI.Server.OpenAI;

/// <summary>OpenAI's <c>tool_choice</c>: "none", "auto", "required", or {"type": "function", "function": {"name": …}}.</summary>
internal static class ToolChoiceJson
{
    public static ApiError? Read(JsonElement? value, out ToolChoice choice)
    {
        choice = ToolChoice.Unset;
        if (value is not { } tc || tc.ValueKind == JsonValueKind.Null)
            return null;
        if (tc.ValueKind == JsonValueKind.String && tc.GetString() is { } mode && mode is "none" or "auto" or "required")
            choice = new ToolChoice(mode switch { "none" => ToolChoiceMode.None, "auto" => ToolChoiceMode.Auto, _ => ToolChoiceMode.Required });
        else if (tc.ValueKind == JsonValueKind.Object && tc.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            && f.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            choice = new ToolChoice(ToolChoiceMode.Function, name.GetString());
        else
            return ApiError.BadRequest("'tool_choice' must be \"none\", \"auto\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}.", "tool_choice");
        return null;
    }
}
