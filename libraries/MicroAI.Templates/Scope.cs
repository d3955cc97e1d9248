namespace MicroAI.Templates;

/// <summary>
/// A variable frame. Like Jinja2, <c>for</c> bodies and macro calls get their own frame (so <c>set</c>
/// inside a loop does not leak out, which is why templates use <c>namespace()</c>); <c>if</c> does not.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public void Set(string name, object? value) => _vars[name] = value;

    public bool TryGet(string name, out object? value)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s._vars.TryGetValue(name, out value)) return true;
        value = null;
        return false;
    }
}
