namespace MicroAI.Templates.Tests;

/// <summary>One case per real template × conversation, compared byte for byte with transformers' render.</summary>
public sealed class RealTemplateTests
{
    public static TheoryData<string, string> AllCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in FixtureCases.Cases)
            data.Add(c.GetProperty("template").GetString()!, c.GetProperty("conversation").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void RendersLikeTransformers(string template, string conversation)
    {
        var expected = FixtureCases.Case(template, conversation);
        var context = FixtureCases.Context(conversation);

        if (expected.TryGetProperty("output", out var output))
        {
            string actual = ChatTemplate.Parse(FixtureCases.Source(template)).Render(context);
            Assert.Equal(output.GetString(), actual);
            return;
        }

        // Python raised: we must raise too; for raise_exception the message must match exactly.
        var ex = Assert.Throws<TemplateException>(() => ChatTemplate.Parse(FixtureCases.Source(template)).Render(context));
        if (expected.GetProperty("raised").GetBoolean())
        {
            Assert.True(ex.RaisedByTemplate, $"expected raise_exception, got: {ex.Message}");
            Assert.Equal(expected.GetProperty("error").GetString(), ex.TemplateMessage);
        }
    }
}
