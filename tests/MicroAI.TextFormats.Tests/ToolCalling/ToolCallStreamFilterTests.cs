using MicroAI.TextFormats.ToolCalling;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class ToolCallStreamFilterTests
{
    /// <summary>Sample output, and how much of it is content before the first call markup.</summary>
    public static TheoryData<ToolCallFormat, string, int> Samples()
    {
        var data = new TheoryData<ToolCallFormat, string, int>();
        void Add(ToolCallFormat format, string text, string marker) =>
            data.Add(format, text, marker.Length == 0 ? 0 : text.IndexOf(marker, StringComparison.Ordinal));

        Add(ToolCallFormat.Hermes,
            "Sure <b>, a < b.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>",
            "<tool_call>");
        Add(ToolCallFormat.Llama3, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", "");
        Add(ToolCallFormat.Llama3, "Searching now.<|python_tag|>brave_search.call(query=\"Paris weather\")", "<|python_tag|>");
        Add(ToolCallFormat.Mistral, "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]", "[TOOL_CALLS]");
        Add(ToolCallFormat.Mistral, "Checking [the] weather.[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}", "[TOOL_CALLS]");
        Add(ToolCallFormat.FunctionaryV31, "One moment <please>.<function=get_weather>{\"city\": \"Paris\"}</function>", "<function=");
        Add(ToolCallFormat.FunctionaryV32, "all\nOne moment.>>>get_weather\n{\"city\": \"Paris\"}", "");
        Add(ToolCallFormat.DeepSeek,
            "Checking.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜tool▁calls▁end｜>",
            "<｜tool▁calls▁begin｜>");
        Add(ToolCallFormat.KimiK2,
            "Sure.<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"Paris\"}<|tool_call_end|><|tool_calls_section_end|>",
            "<|tool_calls_section_begin|>");
        Add(ToolCallFormat.Generic, "```json\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n```", "");
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void No_split_point_leaks_markup_and_the_result_matches_a_whole_parse(ToolCallFormat format, string text, int contentLength)
    {
        var expected = SequentialToolCallIds.Parser(format).Parse(text, []);
        Assert.True(expected.HasToolCalls);

        for (var split = 0; split <= text.Length; split++)
        {
            AssertStreamed(format, [text[..split], text[split..]], text, contentLength, expected);
        }

        AssertStreamed(format, text.Select(c => c.ToString()).ToArray(), text, contentLength, expected);
    }

    [Theory]
    [InlineData(ToolCallFormat.Hermes, "Plain answer with a < sign and a <tool> tag.")]
    [InlineData(ToolCallFormat.Hermes, "Models use <tool_call> tags for calls.")]
    [InlineData(ToolCallFormat.Llama3, "The answer is 42.")]
    [InlineData(ToolCallFormat.Llama3, "{\"not\": \"a call\"}")]
    [InlineData(ToolCallFormat.Mistral, "Mistral writes [TOOL_CALLS] first.")]
    [InlineData(ToolCallFormat.Generic, "`code` and text")]
    [InlineData(ToolCallFormat.Generic, "```python\nprint(1)\n```")]
    public void Text_without_calls_comes_out_whole_and_unchanged(ToolCallFormat format, string text)
    {
        for (var split = 0; split <= text.Length; split++)
        {
            var filter = new ToolCallStreamFilter(SequentialToolCallIds.Parser(format), []);
            var streamed = filter.Push(text[..split]) + filter.Push(text[split..]);
            var result = filter.Complete();

            Assert.Empty(result.ToolCalls);
            Assert.Equal(text, streamed + result.Content);
        }
    }

    [Fact]
    public void Prose_is_released_as_soon_as_it_cannot_be_a_marker()
    {
        var filter = new ToolCallStreamFilter(SequentialToolCallIds.Parser(ToolCallFormat.Hermes), []);

        Assert.Equal("Hello ", filter.Push("Hello <"));
        Assert.Equal("", filter.Push("tool"));
        Assert.Equal("<tools> are", filter.Push("s> are"));
    }

    [Fact]
    public void Long_calls_and_long_held_whitespace_still_complete_correctly()
    {
        var longArguments = "{\"text\": \"" + new string('x', 5000) + "\"}";
        var text = "Writing it." + "<tool_call>\n{\"name\": \"save\", \"arguments\": " + longArguments + "}\n</tool_call>";
        var filter = new ToolCallStreamFilter(SequentialToolCallIds.Parser(ToolCallFormat.Hermes), []);

        var streamed = string.Concat(text.Chunk(7).Select(chunk => filter.Push(new string(chunk))));
        var result = filter.Complete();

        Assert.Equal("Writing it.", streamed);
        Assert.Equal(longArguments, Assert.Single(result.ToolCalls).ArgumentsJson);

        // Past the latch even prose is held, but it still arrives, whole, from Complete.
        var generic = new ToolCallStreamFilter(SequentialToolCallIds.Parser(ToolCallFormat.Generic), []);
        var blank = new string(' ', 300);
        var early = generic.Push(blank) + generic.Push("Hello");
        Assert.Equal(blank + "Hello", early + generic.Complete().Content);
    }

    [Fact]
    public void Completing_as_text_returns_held_markup_unparsed_even_when_it_is_a_whole_call()
    {
        var filter = new ToolCallStreamFilter(SequentialToolCallIds.Parser(ToolCallFormat.Hermes), []);
        const string call = "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}";

        var streamed = filter.Push("Sure. ") + filter.Push(call);

        Assert.Equal("Sure. ", streamed);
        Assert.Equal(call, filter.CompleteAsText());
        Assert.Throws<ObjectDisposedException>(() => filter.Complete());
    }

    [Fact]
    public void Cannot_be_used_after_completion()
    {
        var filter = new ToolCallStreamFilter(SequentialToolCallIds.Parser(ToolCallFormat.Hermes), []);
        filter.Complete();

        Assert.Throws<ObjectDisposedException>(() => filter.Push("x"));
    }

    private static void AssertStreamed(ToolCallFormat format, string[] pieces, string text, int contentLength, ToolCallParseResult expected)
    {
        var filter = new ToolCallStreamFilter(SequentialToolCallIds.Parser(format), []);
        var streamed = string.Concat(pieces.Select(filter.Push));
        var result = filter.Complete();

        // Released text only ever grows, so checking its final value covers every intermediate one.
        Assert.Equal(text[..contentLength], streamed);
        Assert.Equal(expected.Content ?? "", (streamed + result.Content).Trim());
        Assert.Equal(expected.ToolCalls, result.ToolCalls);
    }
}
