namespace MicroAI.Templates.Tests;

internal static class Render
{
    /// <summary>Renders <paramref name="source"/> with name/value pairs, e.g. R("{{ x }}", "x", 1).</summary>
    public static string R(string source, params object?[] pairs)
    {
        var context = new TemplateContext { Clock = () => new DateTimeOffset(2026, 1, 15, 10, 30, 45, TimeSpan.Zero) };
        for (int i = 0; i < pairs.Length; i += 2) context.Set((string)pairs[i]!, pairs[i + 1]);
        return ChatTemplate.Parse(source).Render(context);
    }

    public static Dictionary<string, object?> D(params object?[] pairs)
    {
        var d = new Dictionary<string, object?>();
        for (int i = 0; i < pairs.Length; i += 2) d[(string)pairs[i]!] = pairs[i + 1];
        return d;
    }
}
