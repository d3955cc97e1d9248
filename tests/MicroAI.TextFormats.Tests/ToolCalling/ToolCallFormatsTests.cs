using MicroAI.TextFormats.ToolCalling;
using MicroAI.Tests.Shared;

namespace MicroAI.TextFormats.Tests.ToolCalling;

public sealed class ToolCallFormatsTests
{
    private static string TemplatesFolder { get; } = Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "..", "shared", "chat-templates"));

    [Theory]
    [InlineData("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja", ToolCallFormat.Hermes)]
    [InlineData("NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja", ToolCallFormat.Hermes)]
    [InlineData("Qwen-Qwen2.5-7B-Instruct.jinja", ToolCallFormat.Hermes)]
    [InlineData("Qwen-QwQ-32B.jinja", ToolCallFormat.Hermes)]
    [InlineData("Qwen-Qwen3-0.6B.jinja", ToolCallFormat.Hermes)]
    [InlineData("MiMo-VL.jinja", ToolCallFormat.Hermes)]
    [InlineData("Reka-Edge.jinja", ToolCallFormat.Hermes)]
    [InlineData("Bielik-11B-v3.0-Instruct.jinja", ToolCallFormat.Hermes)]
    [InlineData("ibm-granite-granite-4.0.jinja", ToolCallFormat.Hermes)]
    [InlineData("ibm-granite-granite-4.1.jinja", ToolCallFormat.Hermes)]
    [InlineData("unsloth-Apriel-1.5.jinja", ToolCallFormat.Hermes)]
    [InlineData("Apriel-1.6-15b-Thinker-fixed.jinja", ToolCallFormat.Hermes)]
    [InlineData("MiniMax-M1.jinja", ToolCallFormat.Hermes)]
    [InlineData("meta-llama-Llama-3.1-8B-Instruct.jinja", ToolCallFormat.Llama3)]
    [InlineData("meta-llama-Llama-3.2-3B-Instruct.jinja", ToolCallFormat.Llama3)]
    [InlineData("meta-llama-Llama-3.3-70B-Instruct.jinja", ToolCallFormat.Llama3)]
    [InlineData("mistralai-Mistral-Nemo-Instruct-2407.jinja", ToolCallFormat.Mistral)]
    [InlineData("Mistral-Small-3.2-24B-Instruct-2506.jinja", ToolCallFormat.Mistral)]
    [InlineData("mistralai-Ministral-3-14B-Reasoning-2512.jinja", ToolCallFormat.Mistral)]
    [InlineData("unsloth-mistral-Devstral-Small-2507.jinja", ToolCallFormat.Mistral)]
    [InlineData("meetkai-functionary-medium-v3.1.jinja", ToolCallFormat.FunctionaryV31)]
    [InlineData("meetkai-functionary-medium-v3.2.jinja", ToolCallFormat.FunctionaryV32)]
    [InlineData("deepseek-ai-DeepSeek-R1-Distill-Llama-8B.jinja", ToolCallFormat.DeepSeek)]
    [InlineData("deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", ToolCallFormat.DeepSeek)]
    [InlineData("deepseek-ai-DeepSeek-V3.1.jinja", ToolCallFormat.DeepSeek)]
    [InlineData("llama-cpp-deepseek-r1.jinja", ToolCallFormat.DeepSeek)]
    // Formats we do not read (XML arguments, Kimi sections, harmony, ...) must not be mistaken for one we do.
    [InlineData("Qwen3-Coder.jinja", ToolCallFormat.Generic)]
    [InlineData("Qwen3.5-4B.jinja", ToolCallFormat.Generic)]
    [InlineData("NVIDIA-Nemotron-3-Nano-30B-A3B-BF16.jinja", ToolCallFormat.Generic)]
    [InlineData("ByteDance-Seed-OSS.jinja", ToolCallFormat.Generic)]
    [InlineData("GLM-4.6.jinja", ToolCallFormat.Generic)]
    [InlineData("GLM-4.7-Flash.jinja", ToolCallFormat.Generic)]
    [InlineData("MiniMax-M2.jinja", ToolCallFormat.Generic)]
    [InlineData("MiniMax-M3.jinja", ToolCallFormat.Generic)]
    [InlineData("poolside-Laguna-XS-2.1.jinja", ToolCallFormat.Generic)]
    [InlineData("Spark2.5.jinja", ToolCallFormat.Generic)]
    [InlineData("StepFun3.5-Flash.jinja", ToolCallFormat.Generic)]
    [InlineData("inclusionai-ling-3.0-flash.jinja", ToolCallFormat.Generic)]
    [InlineData("moonshotai-Kimi-K2.jinja", ToolCallFormat.KimiK2)]
    [InlineData("Kimi-K2-Instruct.jinja", ToolCallFormat.KimiK2)]
    [InlineData("Kimi-K2-Thinking.jinja", ToolCallFormat.KimiK2)]
    [InlineData("Kimi-K3.jinja", ToolCallFormat.Generic)]
    [InlineData("openai-gpt-oss-120b.jinja", ToolCallFormat.Generic)]
    [InlineData("google-gemma-2-2b-it.jinja", ToolCallFormat.Generic)]
    public void Detects_the_format_of_real_templates(string file, ToolCallFormat expected)
    {
        var path = Path.Combine(TemplatesFolder, file);
        Assert.True(File.Exists(path), $"Chat template not found at {path}; the tests expect ../shared/chat-templates beside the repository.");

        var format = ToolCallFormats.Detect(File.ReadAllText(path));

        Assert.Equal(expected, format);
        Assert.Equal(expected, ToolCallFormats.ForTemplate(File.ReadAllText(path)).Format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{% for message in messages %}{{ message.content }}{% endfor %}")]
    public void Missing_or_plain_templates_fall_back_to_generic(string? template)
    {
        Assert.Equal(ToolCallFormat.Generic, ToolCallFormats.Detect(template));
    }

    [Fact]
    public void Every_format_has_a_parser()
    {
        foreach (var format in Enum.GetValues<ToolCallFormat>())
        {
            Assert.Equal(format, ToolCallFormats.Create(format).Format);
        }
    }

    [Fact]
    public void Default_ids_look_like_openai_ids_and_differ()
    {
        var parser = ToolCallFormats.Create(ToolCallFormat.Hermes);
        const string call = "<tool_call>\n{\"name\": \"a\", \"arguments\": {}}\n</tool_call>";

        var ids = parser.Parse(call + call, []).ToolCalls.Select(c => c.Id).ToArray();

        Assert.Equal(2, ids.Length);
        Assert.All(ids, id => Assert.Matches("^call_[A-Za-z0-9]{24}$", id));
        Assert.NotEqual(ids[0], ids[1]);
    }
}
