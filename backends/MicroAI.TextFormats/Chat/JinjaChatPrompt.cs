using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Templates;

namespace MicroAI.TextFormats.Chat;

/// <summary>
/// A model's Jinja chat template, rendered as Hugging Face transformers renders it: messages as
/// <c>{role, content}</c> objects (plus <c>tool_calls</c>, <c>tool_call_id</c>, <c>name</c> when present),
/// <c>tools</c>, <c>add_generation_prompt</c>, <c>bos_token</c>, <c>eos_token</c>. Parsed once; rendering is
/// thread-safe. A template error (including the template's own raise_exception) comes back as a
/// message for a 400, never as an exception.
/// </summary>
public sealed class JinjaChatPrompt
{
    private readonly ChatTemplate _template;
    private readonly string _bos;
    private readonly string _eos;

    private JinjaChatPrompt(ChatTemplate template, string bos, string eos)
    {
        _template = template;
        _bos = bos;
        _eos = eos;
    }

    /// <summary>Template text that is Jinja (not a built-in template name such as "chatml").</summary>
    public static bool LooksLikeJinja(string template) => template.Contains("{%", StringComparison.Ordinal) || template.Contains("{{", StringComparison.Ordinal);

    /// <summary>Parses a template; null and the parse error when it is not valid Jinja.</summary>
    public static JinjaChatPrompt? TryParse(string template, string bosToken, string eosToken, out string? error)
    {
        try
        {
            error = null;
            return new JinjaChatPrompt(ChatTemplate.Parse(template), bosToken, eosToken);
        }
        catch (TemplateException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    public string BosToken => _bos;

    /// <summary>The prompt text, or the template's error message.</summary>
    public (string? Prompt, string? Error) Render(IReadOnlyList<ChatTurn> messages, IReadOnlyList<JsonElement>? tools, bool addGenerationPrompt = true)
    {
        var list = new List<object?>(messages.Count);
        foreach (var m in messages)
        {
            // OpenAI's "developer" role is the system prompt; chat templates only know "system".
            var message = new Dictionary<string, object?> { ["role"] = m.Role == "developer" ? "system" : m.Role, ["content"] = m.Content };
            if (m.ToolCalls is { Count: > 0 } calls)
            {
                message["tool_calls"] = calls.Select(c => (object?)new Dictionary<string, object?>
                {
                    ["id"] = c.Id,
                    ["type"] = "function",
                    // Templates read arguments as an object (tojson) or as text; transformers passes
                    // what the client sent, which for OpenAI clients is a JSON string. Objects render
                    // the way template authors expect, so a parseable string becomes its object.
                    ["function"] = new Dictionary<string, object?> { ["name"] = c.Name, ["arguments"] = ArgumentsValue(c.Arguments) },
                }).ToList();
            }
            if (m.ToolCallId is { } id)
                message["tool_call_id"] = id;
            if (m.Name is { } name)
                message["name"] = name;
            list.Add(message);
        }
        var context = new TemplateContext()
            .Set("messages", list)
            .Set("add_generation_prompt", addGenerationPrompt)
            .Set("bos_token", _bos)
            .Set("eos_token", _eos);
        if (tools is { Count: > 0 })
            context.Set("tools", tools.Cast<object?>().ToList());
        try
        {
            return (_template.Render(context), null);
        }
        catch (TemplateException ex)
        {
            return (null, $"The chat template failed: {ex.Message}");
        }
    }

    private static object? ArgumentsValue(string arguments)
    {
        try
        {
            using var doc = JsonDocument.Parse(arguments);
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : arguments;
        }
        catch (JsonException)
        {
            return arguments;
        }
    }
}
