using System.Runtime.InteropServices;
using System.Text;
using MicroAI.Backends.Abstractions;
using MicroAI.Backends.LlamaCpp.Native;

namespace MicroAI.Backends.LlamaCpp;

/// <summary>
/// Builds a chat prompt. With a chat template (the model's, or one set in configuration) it uses
/// llama.cpp's built-in template renderer, which recognises the common families (ChatML, Llama 2/3,
/// Mistral, Gemma, Phi, DeepSeek, ...). A model without a template, or with one llama.cpp does not
/// recognise, gets the documented fallback:
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

    private LlamaChatFormatter(byte[]? template, string name, string? warning)
    {
        _template = template;
        Name = name;
        Warning = warning;
    }

    public string Name { get; }
    public string? Warning { get; }

    public static LlamaChatFormatter Create(string? template, bool configured)
    {
        if (string.IsNullOrWhiteSpace(template))
            return new LlamaChatFormatter(null, FallbackName, null);
        var bytes = Encoding.UTF8.GetBytes(template + "\0");
        var probe = new LlamaChatFormatter(bytes, configured ? "configured" : "gguf", null);
        if (probe.Render([new ChatTurn("user", "hi")]).Error is null)
            return probe;
        return new LlamaChatFormatter(null, FallbackName,
            $"its {(configured ? "configured" : "GGUF")} chat template is not one llama.cpp's built-in renderer recognises; using the fallback chat format.");
    }

    public readonly record struct Rendered(string? Prompt, IReadOnlyList<string> Stops, string? Error);

    public Rendered Render(IReadOnlyList<ChatTurn> messages) =>
        _template is null ? RenderFallback(messages) : RenderWithTemplate(messages);

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
