using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class Llama3ToolCallParserTests
{
    private static ToolCallParseResult Parse(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.Llama3).Parse(text, tools);

    [Fact]
    public void Json_with_parameters_as_the_whole_message()
    {
        // What the Llama 3.1/3.2/3.3 templates ask for: {"name": function name, "parameters": dictionary ...}.
        var result = Parse("""{"name": "get_current_conditions", "parameters": {"location": "San Francisco, CA", "unit": "Fahrenheit"}}""");

        Assert.Null(result.Content);
        Assert.Equal(
            new ToolCall("call_1", "get_current_conditions", """{"location": "San Francisco, CA", "unit": "Fahrenheit"}"""),
            Assert.Single(result.ToolCalls));
    }

    [Fact]
    public void Type_function_form_after_python_tag_with_eom()
    {
        var result = Parse("""<|python_tag|>{"type": "function", "name": "get_weather", "parameters": {"city": "Tokyo"}}<|eom_id|>""", "get_weather");

        Assert.Equal(new ToolCall("call_1", "get_weather", """{"city": "Tokyo"}"""), Assert.Single(result.ToolCalls));
        Assert.Null(result.Content);
    }

    [Fact]
    public void Several_calls_separated_by_semicolons()
    {
        var result = Parse("""{"name": "get_weather", "parameters": {"city": "Oslo"}}; {"name": "get_time", "parameters": {"zone": "CET"}}""");

        Assert.Equal(["get_weather", "get_time"], result.ToolCalls.Select(c => c.Name));
        Assert.Equal(["call_1", "call_2"], result.ToolCalls.Select(c => c.Id));
    }

    [Fact]
    public void Builtin_brave_search_after_python_tag()
    {
        var result = Parse("<|python_tag|>brave_search.call(query=\"current weather in Menlo Park, California\")");

        Assert.Equal(
            new ToolCall("call_1", "brave_search", """{"query":"current weather in Menlo Park, California"}"""),
            Assert.Single(result.ToolCalls));
    }

    [Fact]
    public void Builtin_with_several_literal_kinds_and_leading_text()
    {
        var result = Parse("Let me compute that.<|python_tag|>wolfram_alpha.call(query='solve x^2 = 4', n=2, exact=True, limit=None, scale=0.5)");

        var call = Assert.Single(result.ToolCalls);
        Assert.Equal("wolfram_alpha", call.Name);
        Assert.Equal("""{"query":"solve x^2 = 4","n":2,"exact":true,"limit":null,"scale":0.5}""", call.ArgumentsJson);
        Assert.Equal("Let me compute that.", result.Content);
    }

    [Fact]
    public void Pythonic_list_from_the_llama_32_zero_shot_format()
    {
        var result = Parse("[get_weather(city=\"San Francisco, CA\", metric='celsius'), get_time()]", "get_weather", "get_time");

        Assert.Null(result.Content);
        Assert.Equal(
            [
                new ToolCall("call_1", "get_weather", """{"city":"San Francisco, CA","metric":"celsius"}"""),
                new ToolCall("call_2", "get_time", "{}"),
            ],
            result.ToolCalls);
    }

    [Theory]
    [InlineData("[1] Smith (2019), page 4")]
    [InlineData("[get_weather(city=\"Paris\"), ]")]
    [InlineData("[get_weather(city=\"Paris)]")]
    [InlineData("[]")]
    public void Bracketed_text_that_is_not_a_call_list_is_content(string text)
    {
        var result = Parse(text);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Json_inside_a_longer_answer_is_content()
    {
        const string text = """Here is an example payload: {"name": "x", "parameters": {}} - adapt it.""";

        var result = Parse(text);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }

    [Fact]
    public void Unknown_name_and_truncated_json_are_content()
    {
        const string unknown = """{"name": "rm_rf", "parameters": {}}""";
        const string truncated = """{"name": "get_weather", "parameters": {"city": "Os""";

        Assert.Equal(unknown, Parse(unknown, "get_weather").Content);
        Assert.Equal(truncated, Parse(truncated, "get_weather").Content);
        Assert.Empty(Parse(unknown, "get_weather").ToolCalls);
    }

    [Fact]
    public void Unparseable_python_tag_payload_is_content()
    {
        const string text = "<|python_tag|>import os\nprint(os.getcwd())";

        var result = Parse(text);

        Assert.Empty(result.ToolCalls);
        Assert.Equal(text, result.Content);
    }
}
