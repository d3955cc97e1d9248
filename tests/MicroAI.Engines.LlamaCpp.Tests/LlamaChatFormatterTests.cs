using MicroAI.Engines.Abstractions;
using Microsoft.Extensions.Logging;

namespace MicroAI.Engines.LlamaCpp.Tests;

public sealed class LlamaChatFormatterTests
{
    private const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private static readonly ChatTurn[] s_conversation =
    [
        new("system", "You are terse."),
        new("user", "Hi"),
        new("assistant", "Hello."),
        new("user", "Tell me a story."),
    ];

    public LlamaChatFormatterTests() => LlamaTestRuntime.EnsureInitialised();

    [Fact]
    public void Without_a_template_the_fallback_format_is_used()
    {
        var formatter = LlamaChatFormatter.Create(null, configured: false);

        var rendered = formatter.Render(s_conversation);

        Assert.Equal(LlamaChatFormatter.FallbackName, formatter.Name);
        Assert.Null(formatter.Warning);
        Assert.Null(rendered.Error);
        Assert.Equal("System: You are terse.\nUser: Hi\nAssistant: Hello.\nUser: Tell me a story.\nAssistant:", rendered.Prompt);
        Assert.Equal(["\nUser:"], rendered.Stops);
    }

    [Fact]
    public void Fallback_maps_developer_to_system_and_keeps_unknown_roles()
    {
        var formatter = LlamaChatFormatter.Create("   ", configured: false);

        var rendered = formatter.Render([new ChatTurn("developer", "Rules."), new ChatTurn("tool", "42"), new ChatTurn("narrator", "Meanwhile")]);

        Assert.Equal("System: Rules.\nTool: 42\nnarrator: Meanwhile\nAssistant:", rendered.Prompt);
    }

    [Fact]
    public void ChatML_template_renders_with_im_start_markers()
    {
        var formatter = LlamaChatFormatter.Create(ChatMlTemplate, configured: true);

        var rendered = formatter.Render(s_conversation);

        Assert.Equal("jinja", formatter.Name);
        Assert.Null(formatter.Warning);
        Assert.Null(rendered.Error);
        Assert.Equal(
            "<|im_start|>system\nYou are terse.<|im_end|>\n" +
            "<|im_start|>user\nHi<|im_end|>\n" +
            "<|im_start|>assistant\nHello.<|im_end|>\n" +
            "<|im_start|>user\nTell me a story.<|im_end|>\n" +
            "<|im_start|>assistant\n",
            rendered.Prompt);
        Assert.Empty(rendered.Stops);
    }

    [Fact]
    public void A_template_the_jinja_engine_cannot_run_goes_to_llama_cpps_renderer_named_by_its_source()
    {
        // An unknown filter fails in Jinja; llama.cpp's renderer recognises the template as ChatML by its markers.
        const string quirky = "{% for message in messages %}{{'<|im_start|>' + message['role'] | no_such_filter }}{% endfor %}";

        var formatter = LlamaChatFormatter.Create(quirky, configured: false);

        Assert.Equal("gguf", formatter.Name);
        Assert.Contains("does not run as Jinja", formatter.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_in_template_names_are_accepted()
    {
        var formatter = LlamaChatFormatter.Create("llama3", configured: true);

        var rendered = formatter.Render([new ChatTurn("user", "Hi")]);

        Assert.Null(formatter.Warning);
        Assert.Contains("<|start_header_id|>user<|end_header_id|>", rendered.Prompt, StringComparison.Ordinal);
        Assert.EndsWith("<|start_header_id|>assistant<|end_header_id|>\n\n", rendered.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_rendering_maps_developer_to_system()
    {
        var formatter = LlamaChatFormatter.Create(ChatMlTemplate, configured: true);

        var rendered = formatter.Render([new ChatTurn("developer", "Rules."), new ChatTurn("user", "Hi")]);

        Assert.StartsWith("<|im_start|>system\nRules.<|im_end|>\n", rendered.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_multibyte_conversations_render_completely()
    {
        var formatter = LlamaChatFormatter.Create(ChatMlTemplate, configured: true);
        var content = string.Concat(Enumerable.Repeat("日本語🙂", 3000));

        var rendered = formatter.Render([new ChatTurn("user", content)]);

        Assert.Equal($"<|im_start|>user\n{content}<|im_end|>\n<|im_start|>assistant\n", rendered.Prompt);
    }

    [Fact]
    public void Unrecognised_template_falls_back_with_a_warning()
    {
        var formatter = LlamaChatFormatter.Create("{% nonsense %}", configured: true);

        Assert.Equal(LlamaChatFormatter.FallbackName, formatter.Name);
        Assert.NotNull(formatter.Warning);
        Assert.Contains("configured", formatter.Warning, StringComparison.Ordinal);
        Assert.Equal("User: Hi\nAssistant:", formatter.Render([new ChatTurn("user", "Hi")]).Prompt);
    }

    [Fact]
    public void Any_runnable_jinja_template_is_rendered_exactly_even_one_llama_cpp_does_not_recognise()
    {
        var formatter = LlamaChatFormatter.Create("{{ bos_token }}{% for m in messages %}[[{{ m.content }}]]{% endfor %}", configured: true, bosToken: "<s>");

        var rendered = formatter.Render([new ChatTurn("user", "Hi"), new ChatTurn("user", "there")]);

        Assert.Equal("jinja", formatter.Name);
        Assert.Equal("<s>[[Hi]][[there]]", rendered.Prompt);
        Assert.True(rendered.StartsWithBos);
    }

    [Fact]
    public void Model_loaded_with_an_unrecognised_template_logs_a_warning()
    {
        var logs = new CapturingLoggerProvider();

        using var model = LlamaTestRuntime.LoadStories("{% nonsense %}", logs.CreateLogger("test"));

        Assert.Equal(LlamaChatFormatter.FallbackName, model.Info.ChatFormat);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("stories260K", warning.Message, StringComparison.Ordinal);
        Assert.Contains("fallback", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_loaded_with_a_configured_template_uses_it()
    {
        using var model = LlamaTestRuntime.LoadStories(ChatMlTemplate);

        var error = model.TryPreparePrompt(new GenerateRequest { Messages = [new ChatTurn("user", "Hi")] }, out var prompt);

        Assert.Null(error);
        Assert.Equal("jinja", model.Info.ChatFormat);
        Assert.Empty(prompt.FormatStops);
        Assert.Equal(model.Tokenize("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", true, true), prompt.Tokens);
    }
}
