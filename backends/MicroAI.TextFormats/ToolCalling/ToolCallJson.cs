using System.Text.Json;

namespace MicroAI.TextFormats.ToolCalling;

/// <summary>
/// Reads call objects out of JSON text. Shared by every format because they all end up describing a call as
/// some JSON object with a name and an arguments object under one of a few key spellings.
/// </summary>
internal static class ToolCallJson
{
    // Trailing commas are a common small-model slip and cost nothing to accept; comments are not something
    // models emit in calls, so stay strict there.
    private static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = true, MaxDepth = 64 };

    private static readonly string[] ArgumentKeys = ["arguments", "parameters"];

    /// <summary>Parses <paramref name="json"/> (a single object, or an array of objects) into calls; all must be valid.</summary>
    public static bool TryReadCalls(string json, out List<ToolCallCandidate> calls)
    {
        calls = [];
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                if (root.GetArrayLength() == 0)
                {
                    return false;
                }

                foreach (var item in root.EnumerateArray())
                {
                    if (!TryReadCall(item, out var call))
                    {
                        return false;
                    }

                    calls.Add(call);
                }

                return true;
            }

            // Some fine-tunes wrap the list: {"tool_calls": [...]}.
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("tool_calls", out var wrapped)
                && wrapped.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in wrapped.EnumerateArray())
                {
                    if (!TryReadCall(item, out var call))
                    {
                        return false;
                    }

                    calls.Add(call);
                }

                return calls.Count > 0;
            }

            if (TryReadCall(root, out var single))
            {
                calls.Add(single);
                return true;
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads <c>{"name": ..., "arguments"|"parameters": {...}, "id"?: ...}</c>, also the OpenAI-shaped
    /// <c>{"type": "function", "function": {...}}</c>.
    /// </summary>
    public static bool TryReadCall(JsonElement element, out ToolCallCandidate call)
    {
        call = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string? id = element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? idElement.GetString()
            : null;

        if (element.TryGetProperty("function", out var inner) && inner.ValueKind == JsonValueKind.Object)
        {
            element = inner;
        }

        if (!element.TryGetProperty("name", out var nameElement)
            || nameElement.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(nameElement.GetString()))
        {
            return false;
        }

        JsonElement? arguments = null;
        foreach (var key in ArgumentKeys)
        {
            if (element.TryGetProperty(key, out var value))
            {
                arguments = value;
                break;
            }
        }

        if (!TryNormaliseArguments(arguments, out var argumentsJson))
        {
            return false;
        }

        call = new ToolCallCandidate(nameElement.GetString()!.Trim(), argumentsJson, string.IsNullOrEmpty(id) ? null : id);
        return true;
    }

    /// <summary>Parses text that should be exactly an arguments object (surrounding whitespace allowed).</summary>
    public static bool TryNormaliseArguments(string json, out string argumentsJson)
    {
        argumentsJson = "";
        try
        {
            using var document = JsonDocument.Parse(json, Options);
            return TryNormaliseArguments(document.RootElement, out argumentsJson);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Missing or null arguments mean a call with no parameters (<c>{}</c>). A string holding an object is
    /// unwrapped, because models trained on OpenAI transcripts copy its stringified <c>arguments</c>.
    /// Anything else (array, number, a string that is not an object) is not a valid call.
    /// </summary>
    private static bool TryNormaliseArguments(JsonElement? arguments, out string argumentsJson)
    {
        argumentsJson = "{}";
        if (arguments is not { } value || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                argumentsJson = value.GetRawText();
                return true;
            case JsonValueKind.String:
                var inner = value.GetString()!;
                if (string.IsNullOrWhiteSpace(inner))
                {
                    return true;
                }

                try
                {
                    using var document = JsonDocument.Parse(inner, Options);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        return false;
                    }

                    argumentsJson = document.RootElement.GetRawText();
                    return true;
                }
                catch (JsonException)
                {
                    return false;
                }

            default:
                return false;
        }
    }
}
