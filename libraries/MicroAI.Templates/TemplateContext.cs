namespace MicroAI.Templates;

/// <summary>
/// Variables for one render, e.g. <c>messages</c>, <c>tools</c>, <c>add_generation_prompt</c>,
/// <c>bos_token</c>. Values may be null, bool, numbers, strings, dictionaries, lists/enumerables,
/// or System.Text.Json elements/nodes; they are copied into template values at render time.
/// </summary>
public sealed class TemplateContext
{
    public Dictionary<string, object?> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Time source for <c>strftime_now</c>; defaults to local now (as transformers uses datetime.now()).</summary>
    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.Now;

    public TemplateContext Set(string name, object? value)
    {
        Variables[name] = value;
        return this;
    }
}
