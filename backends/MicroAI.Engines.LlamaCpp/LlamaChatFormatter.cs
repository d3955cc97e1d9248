using System.Runtime.InteropServices;
using System.Text;
using MicroAI.Engines.Abstractions;
using MicroAI.Engines.LlamaCpp.Native;
using MicroAI.TextFormats.Chat;

namespace MicroAI.Engines.LlamaCpp;

/// <summary>
/// Builds a chat prompt. A chat template (the model's, one set in configuration, or one sent with
/// the request) is rendered by MicroAI's Jinja engine exactly as transformers would
/// (<see cref="JinjaChatPrompt"/>); a template name such as "chatml", or a template the Jinja
/// engine cannot run, goes to llama.cpp's built-in renderer, which recognises the common families
/// (ChatML, Llama 2/3, Mistral, Gemma, Phi, DeepSeek, ...). A model without a template, or with one
/// neither recognises, gets the documented fallback:
/// <code>
/// System: {system}
/// User: {user}
/// Assistant: {assistant}
/// User: {user}
/// Assistant:
/// </code>
/// and generation also stops at "\nUser:".
/// </summary>
internal sealed class LlamaChatFormatter
{
    public const string FallbackName = "fallback";
    private static readonly string[] s_fallbackStops = ["\nUser:"];

    private readonly byte[]? _template; // NUL-terminated UTF-8
    private readonly JinjaChatPrompt? _jinja;

    private LlamaChatFormatter(byte[]? template, string name, string? warning, JinjaChatPrompt? jinja = null)
    {
        _template = template;
        _jinja = jinja;
        Name = name;
        Warning = warning;
    }

    public string Name { get; }
    public string? Warning { get; }

    /// <summary>
    /// A request's own template: Jinja text is used as it is (no probe, no fallback), so its parse
    /// or render errors reach the client as a 400 naming the template's message.
    /// </summary>
    public static LlamaChatFormatter ForRequest(string template, string bosToken, string eosToken)
    {
        if (!JinjaChatPrompt.LooksLikeJinja(template))
            return Create(template, configured: true, bosToken, eosToken);
        var jinja = JinjaChatPrompt.TryParse(template, bosToken, eosToken, out var problem);
        return jinja is not null
            ? new LlamaChatFormatter(null, "jinja", null, jinja)
            : new LlamaChatFormatter(null, "invalid", null) { _error = $"The chat template could not be parsed: {problem}" };
    }

    private string? _error;

    public static LlamaChatFormatter Create(string? template, bool configured, string bosToken = "", string eosToken = "")
    {
        if (string.IsNullOrWhiteSpace(template))
            return new LlamaChatFormatter(null, FallbackName, null);
        string? jinjaProblem = null;
        if (JinjaChatPrompt.LooksLikeJinja(template))
        {
            var jinja = JinjaChatPrompt.TryParse(template, bosToken, eosToken, out jinjaProblem);
            if (jinja is not null)
            {
                var jinjaProbe = new LlamaChatFormatter(null, "jinja", null, jinja);
                var rendered = jinjaProbe.Render([new ChatTurn("user", "hi")]);
                if (rendered.Error is null)
                    return jinjaProbe;
                jinjaProblem = rendered.Error;
            }
        }
        var bytes = Encoding.UTF8.GetBytes(template + "\0");
        var probe = new LlamaChatFormatter(bytes, configured ? "configured" : "gguf", jinjaProblem is null ? null : $"its chat template does not run as Jinja ({jinjaProblem}); llama.cpp's built-in renderer is used.");
        if (probe.Render([new ChatTurn("user", "hi")]).Error is null)
            return probe;
        return new LlamaChatFormatter(null, FallbackName,
            $"its {(configured ? "configured" : "GGUF")} chat template is neither runnable Jinja{(jinjaProblem is null ? "" : $" ({jinjaProblem})")} nor one llama.cpp's built-in renderer recognises; using the fallback chat format.");
    }

    /// <param name="StartsWithBos">The text already begins with the BOS token, so tokenizing must not add another.</param>
    public readonly record struct Rendered(string? Prompt, IReadOnlyList<string> Stops, string? Error, bool StartsWithBos = false);

    public Rendered Render(IReadOnlyList<ChatTurn> messages, IReadOnlyList<System.Text.Json.JsonElement>? tools = null)
    {
        if (_error is not null)
            return new Rendered(null, [], _error);
        if (tools is { Count: > 0 } && _jinja is null)
            return new Rendered(null, [], "This model has no Jinja chat template, so it cannot be offered tools; send a 'chat_template' that renders 'tools', or configure one for the model.");
        if (_jinja is not null)
        {
            var (prompt, error) = _jinja.Render(messages, tools);
            return prompt is null
                ? new Rendered(null, [], error)
                : new Rendered(prompt, [], null, _jinja.BosToken.Length > 0 && prompt.StartsWith(_jinja.BosToken, StringComparison.Ordinal));
        }
        return _template is null ? RenderFallback(messages) : RenderWithTemplate(messages);
    }

    private static Rendered RenderFallback(IReadOnlyList<ChatTurn> messages)
    {
        var sb = new StringBuilder();
        foreach (var m in messages)
        {
            var role = m.Role switch
            {
                "system" or "developer" => "System",
                "user" => "User",
                "assistant" => "Assistant",
                "tool" => "Tool",
                _ => m.Role,
            };
            sb.Append(role).Append(": ").Append(m.Content).Append('\n');
        }
        sb.Append("Assistant:");
        return new Rendered(sb.ToString(), s_fallbackStops, null);
    }

    private unsafe Rendered RenderWithTemplate(IReadOnlyList<ChatTurn> messages)
    {
        var handles = new List<GCHandle>(messages.Count * 2);
        var chat = new LlamaChatMessage[messages.Count];
        var total = 0;
        try
        {
            for (var i = 0; i < messages.Count; i++)
            {
                var role = Pin(messages[i].Role == "developer" ? "system" : messages[i].Role, handles);
                var content = Pin(messages[i].Content, handles);
                chat[i] = new LlamaChatMessage { role = role, content = content };
                total += messages[i].Content.Length + messages[i].Role.Length;
            }
            var buffer = new byte[Math.Max(256, total * 2 + 512)];
            int n;
            fixed (byte* t = _template)
            fixed (LlamaChatMessage* c = chat)
            {
                fixed (byte* b = buffer)
                    n = LlamaNative.llama_chat_apply_template(t, c, (nuint)chat.Length, true, b, buffer.Length);
                if (n > buffer.Length)
                {
                    buffer = new byte[n];
                    fixed (byte* b = buffer)
                        n = LlamaNative.llama_chat_apply_template(t, c, (nuint)chat.Length, true, b, buffer.Length);
                }
            }
            if (n < 0)
                return new Rendered(null, [], "The chat template could not render these messages.");
            return new Rendered(Encoding.UTF8.GetString(buffer, 0, n), [], null);
        }
        finally
        {
            foreach (var h in handles)
                h.Free();
        }
    }

    private static unsafe byte* Pin(string s, List<GCHandle> handles)
    {
        var bytes = Encoding.UTF8.GetBytes(s + "\0");
        var h = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        handles.Add(h);
        return (byte*)h.AddrOfPinnedObject();
    }
}
