using System.Text.Json;

namespace MicroAI.Templates.Tests;

/// <summary>Small snippets rendered by Python Jinja2 (Fixtures/generate_snippets.py) and compared byte for byte.</summary>
public sealed class SnippetTests
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "snippets.json"))).RootElement);

    public static TheoryData<int> Indexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Root.Value.GetProperty("cases").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Indexes))]
    public void RendersLikePythonJinja2(int index)
    {
        var c = Root.Value.GetProperty("cases")[index];
        var now = new DateTimeOffset(DateTime.Parse(Root.Value.GetProperty("now").GetString()!, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
        var context = new TemplateContext { Clock = () => now };
        foreach (var v in Root.Value.GetProperty("variables").EnumerateObject()) context.Set(v.Name, v.Value);
        string source = c.GetProperty("source").GetString()!;

        if (c.TryGetProperty("output", out var output))
        {
            Assert.Equal(output.GetString(), ChatTemplate.Parse(source).Render(context));
            return;
        }

        var ex = Assert.Throws<TemplateException>(() => ChatTemplate.Parse(source).Render(context));
        string error = c.GetProperty("error").GetString()!;
        if (error.StartsWith("RaisedByTemplate: ", StringComparison.Ordinal))
            Assert.Equal(error["RaisedByTemplate: ".Length..], ex.TemplateMessage);
    }
}
