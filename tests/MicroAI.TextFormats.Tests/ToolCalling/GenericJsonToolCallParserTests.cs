using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class GenericJsonToolCallParserTests
{
    private static ToolCallParseResult Parse(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.Generic).Parse(text, tools);

    [Fact]
    public void Fenced_json_object()
    {
        const string text = "```json\n{\"name\": \"search_docs\", \"arguments\": {\"query\": \"rate limits\", \"top_k\": 3}}\n```\n";

        var result = Parse(text, "search_docs");

        Assert.Null(result.Content);
        Assert.Equal(new ToolCall("call_1", "search_docs", """{"query": "rate limits", "top_k": 3}"""), Assert.Single(result.ToolCalls));
    }

    [Fact]
    public void List_of_calls_and_openai_shaped_wrapper()
    {
        var list = Parse("""[{"name": "a", "arguments": {}}, {"name": "b", "parameters": {"x": 1}}]""");
        var wrapped = Parse("""{"tool_calls": [{"type": "function", "function": {"name": "a", "arguments": "{\"y\": 2}"}}]}""");

        Assert.Equal(["a", "b"], list.ToolCalls.Select(c => c.Name));
        Assert.Equal(new ToolCall("call_1", "a", """{"y": 2}"""), Assert.Single(wrapped.ToolCalls));
    }

    [Theory]
    [InlineData("""{"answer": 42}""")]
    [InlineData("""{"name": "a", "arguments": [1, 2]}""")]
    [InlineData("""{"name": "a", "arguments": "not json"}""")]
    [InlineData("""{"name": "a", "arguments": {"x": 1}""")]
    [InlineData("""Call {"name": "a", "arguments": {}} now""")]
    [InlineData("```python\nprint(1)\n```")]
    [InlineData("[]")]
    public void Anything_else_is_content_unchanged(string text)
    {
        var result = Parse(text);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Unknown_name_is_content()
    {
        const string text = """{"name": "other", "arguments": {}}""";

        Assert.Equal(text, Parse(text, "search_docs").Content);
    }
}
