using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Inference;

/// <summary>Jinja chat templates: a model's real template, /apply-template, per-request templates and their errors.</summary>
[Collection(InferenceCollection.Name)]
public sealed class ChatTemplateTests(InferenceServerFixture server)
{
    [Fact]
    public async Task Apply_template_renders_qwens_real_template_as_transformers_would()
    {
        var (response, body, text) = await server.Http.PostJsonAsync("apply-template",
            """{"model":"qwen-tiny","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"},{"role":"user","content":"Bye"}]}""");

        Assert.True(200 == (int)response.StatusCode, text);
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n" +
            "<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n",
            (string?)body!["prompt"]);
    }

    [Fact]
    public async Task Without_a_system_message_qwens_template_adds_its_default_one_and_a_chat_request_generates()
    {
        var (_, body, _) = await server.Http.PostJsonAsync("apply-template", """{"model":"qwen-tiny","messages":[{"role":"user","content":"Hi"}]}""");
        var (chat, reply, text) = await server.Http.PostJsonAsync("v1/chat/completions", """{"model":"qwen-tiny","messages":[{"role":"user","content":"Hi"}],"max_tokens":3}""");

        Assert.StartsWith("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud.", (string?)body!["prompt"]);
        Assert.True(200 == (int)chat.StatusCode, text);
        Assert.Equal(3, (int)reply!["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task A_request_template_is_used_and_a_template_printing_bos_gets_no_second_bos()
    {
        var withBos = """{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":1,"chat_template":"{{ bos_token }}{{ messages[0].content }}"}""";
        var withoutBos = """{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":1,"chat_template":"{{ messages[0].content }}"}""";

        var (_, rendered, _) = await server.Http.PostJsonAsync("apply-template", withBos);
        var (_, a, _) = await server.Http.PostJsonAsync("v1/chat/completions", withBos);
        var (_, b, _) = await server.Http.PostJsonAsync("v1/chat/completions", withoutBos);

        Assert.Equal("<s>Once upon a time", (string?)rendered!["prompt"]);
        Assert.Equal((int)b!["usage"]!["prompt_tokens"]!, (int)a!["usage"]!["prompt_tokens"]!);
    }

    [Theory]
    [InlineData("{{ raise_exception('only one message please') }}", "only one message please")]
    [InlineData("{% for m in messages %}{{ m.content }}", "could not be parsed")]
    [InlineData("{{ messages[0].content.nope() }}", "chat template")]
    public async Task Template_errors_are_a_400_naming_the_templates_message(string template, string expected)
    {
        var body = new JsonObject
        {
            ["model"] = "stories260K",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["chat_template"] = template,
        };

        foreach (var path in (string[])["apply-template", "v1/chat/completions"])
        {
            var (response, error, text) = await server.Http.PostJsonAsync(path, body.DeepClone());
            Assert.True(400 == (int)response.StatusCode, text);
            Assert.Contains(expected, (string?)error!["error"]!["message"]);
            Assert.Equal("chat_template", (string?)error["error"]!["param"]);
        }
    }

    [Fact]
    public async Task An_oversized_request_template_is_refused()
    {
        var body = new JsonObject
        {
            ["model"] = "stories260K",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }),
            ["chat_template"] = new string('x', 70_000),
        };

        var (response, error, _) = await server.Http.PostJsonAsync("apply-template", body);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("chat_template", (string?)error!["error"]!["param"]);
    }
}
