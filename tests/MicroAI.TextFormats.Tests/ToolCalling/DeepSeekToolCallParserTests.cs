using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class DeepSeekToolCallParserTests
{
    private static ToolCallParseResult Parse(string text, params string[] tools) =>
        SequentialToolCallIds.Parser(ToolCallFormat.DeepSeek).Parse(text, tools);

    [Fact]
    public void R1_fenced_calls_after_reasoning()
    {
        // R1 distills get "<think>\n" from the prompt, so only the closing tag is generated.
        const string text = "The user wants weather for two cities.\n</think>\n\n"
            + "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>\n"
            + "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Berlin\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";

        var result = Parse(text, "get_weather");

        Assert.Equal("The user wants weather for two cities.", result.Reasoning);
        Assert.Null(result.Content);
        Assert.Equal(
            [
                new ToolCall("call_1", "get_weather", """{"city": "Paris"}"""),
                new ToolCall("call_2", "get_weather", """{"city": "Berlin"}"""),
            ],
            result.ToolCalls);
    }

    [Fact]
    public void V31_unfenced_call_with_leading_content()
    {
        const string text = "Checking.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>";

        var result = Parse(text);

        Assert.Equal("Checking.", result.Content);
        Assert.Equal(new ToolCall("call_1", "get_weather", """{"city": "Paris"}"""), Assert.Single(result.ToolCalls));
    }

    [Fact]
    public void Truncated_output_without_end_tokens()
    {
        var result = Parse("<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```");

        Assert.Equal("get_weather", Assert.Single(result.ToolCalls).Name);
    }

    [Fact]
    public void Missing_section_begin_is_tolerated()
    {
        var result = Parse("<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n{}\n```<｜tool▁call▁end｜>");

        Assert.Equal("{}", Assert.Single(result.ToolCalls).ArgumentsJson);
    }

    [Fact]
    public void Invalid_or_unknown_calls_keep_all_text()
    {
        const string text = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": <｜tool▁call▁end｜><｜tool▁calls▁end｜>";
        const string unknown = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>drop_db<｜tool▁sep｜>{}<｜tool▁call▁end｜><｜tool▁calls▁end｜>";

        Assert.Equal(text, Parse(text).Content);
        Assert.Equal(unknown, Parse(unknown, "get_weather").Content);
    }

    [Fact]
    public void One_bad_call_beside_a_good_one_stays_as_content()
    {
        const string bad = "<｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>not json<｜tool▁call▁end｜>";
        var text = "<｜tool▁calls▁begin｜>" + bad + "<｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Rome\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>";

        var result = Parse(text);

        Assert.Equal("""{"city": "Rome"}""", Assert.Single(result.ToolCalls).ArgumentsJson);
        Assert.Equal(bad, result.Content);
    }
}
