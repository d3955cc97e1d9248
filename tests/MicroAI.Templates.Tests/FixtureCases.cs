using System.Text.Json;

namespace MicroAI.Templates.Tests;

/// <summary>
/// Loads Fixtures/expectations.json: real chat templates and their renders by Python Jinja2 set up
/// exactly as transformers sets it up (see Fixtures/generate_expectations.py).
/// </summary>
internal static class FixtureCases
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "expectations.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static DateTimeOffset Now => new(DateTime.Parse(Root.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);

    public static IEnumerable<JsonElement> Cases => Root.GetProperty("cases").EnumerateArray();

    public static JsonElement Case(string template, string conversation) =>
        Cases.Single(c => c.GetProperty("template").GetString() == template && c.GetProperty("conversation").GetString() == conversation);

    public static string Source(string template) => Root.GetProperty("templates").GetProperty(template).GetString()!;

    public static TemplateContext Context(string conversation)
    {
        var conv = Root.GetProperty("conversations").GetProperty(conversation);
        var now = Now;
        var context = new TemplateContext { Clock = () => now };
        context.Set("messages", conv.GetProperty("messages"))
            .Set("tools", conv.GetProperty("tools"))
            .Set("documents", null)
            .Set("add_generation_prompt", conv.GetProperty("add_generation_prompt"))
            .Set("bos_token", Root.GetProperty("bos_token").GetString())
            .Set("eos_token", Root.GetProperty("eos_token").GetString());
        if (conv.TryGetProperty("extra", out var extra))
            foreach (var kwarg in extra.EnumerateObject()) context.Set(kwarg.Name, kwarg.Value);
        return context;
    }
}
