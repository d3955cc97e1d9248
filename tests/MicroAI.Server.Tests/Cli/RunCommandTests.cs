using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using MicroAI.Server.Cli;

namespace MicroAI.Server.Tests;

/// <summary>
/// `microai run` as a user pipes it: against a running server, and with none (the model loaded
/// in-process); a greedy answer is the chat completions route's answer, word for word. The CLI is
/// always pointed at a test server or a free loopback port, never at a real server on 8080.
/// </summary>
public sealed class RunCommandTests
{
    internal const string Question = "Once upon a time";

    [Fact]
    public async Task Piped_AgainstARunningServer_PrintsTheChatRoutesGreedyAnswer()
    {
        using var data = await ImportedStoriesAsync();
        await using var server = await RegistryTestServer.StartAsync(data.Path);
        var expected = await ChatRoute.GreedyAnswerAsync(server, [("user", Question)]);

        var run = await MicroAICli.RunWithInputAsync(data.Path, Question + "\n",
            "run", "stories260k", "--host", server.Http.BaseAddress!.ToString(), "-p", "temperature=0", "--parameter", "num_predict=40");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(expected + "\n", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task PromptArgument_WithNoServer_LoadsTheModelInProcess_AndGivesTheSameAnswer()
    {
        using var data = await ImportedStoriesAsync();
        string expected;
        await using (var server = await RegistryTestServer.StartAsync(data.Path))
            expected = await ChatRoute.GreedyAnswerAsync(server, [("system", "Be brief."), ("user", Question)]);

        var run = await MicroAICli.RunAsync(data.Path,
            "run", "stories260k", "Once", "upon", "a", "time", "--host", FreePort.Address(), "--system", "Be brief.", "-p", "temperature=0", "-p", "num_predict=40");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(expected + "\n", run.Stdout);
    }

    [Fact]
    public async Task UnknownModel_Exits3_WithTheServersMessageOnStderr()
    {
        using var data = await ImportedStoriesAsync();

        var run = await MicroAICli.RunWithInputAsync(data.Path, "hello", "run", "no-such-model", "--host", FreePort.Address());

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Contains("no-such-model", run.Stderr);
    }

    [Fact]
    public async Task BadParameter_Exits2_NamingTheParameters()
    {
        using var data = new TempDataDirectory();

        var run = await MicroAICli.RunWithInputAsync(data.Path, "hello", "run", "stories260k", "--host", FreePort.Address(), "-p", "temprature=0");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("temperature", run.Stderr);
        Assert.Contains("num_predict", run.Stderr);
    }

    [Fact]
    public async Task NoPrompt_OnStdinOrArguments_Exits2()
    {
        using var data = new TempDataDirectory();

        var run = await MicroAICli.RunAsync(data.Path, "run", "stories260k", "--host", FreePort.Address());

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("prompt", run.Stderr);
    }

    [Fact]
    public async Task ModelNames_CompleteFromTheRegistry()
    {
        using var data = await ImportedStoriesAsync();
        var tag = await MicroAICli.RunAsync(data.Path, "tag", "stories260k", "other:v1");
        Assert.True(tag.ExitCode == 0, tag.ToString());
        var configuration = $"--MicroAI:DataDirectory={data.Path} --MicroAI:OllamaModelsDirectory=none";

        var all = Completions($"run  {configuration}", "run ".Length);
        var some = Completions($"run sto {configuration}", "run sto".Length);

        Assert.Equal(["other:v1", "stories260k:latest"], all);
        Assert.Equal(["stories260k:latest"], some);
    }

    [Fact]
    public void RunAndItsOptions_AreListedInTheHelp()
    {
        var root = CliApp.CreateRoot();
        var run = Assert.Single(root.Subcommands, c => c.Name == "run");
        Assert.Equal(["model", "prompt"], run.Arguments.Select(a => a.Name));
        Assert.Contains(run.Options, o => o.Name == "--host");
    }

    private static List<string> Completions(string commandLine, int position) =>
        CliApp.CreateRoot().Parse(commandLine).GetCompletions(position).Select(c => c.Label).Where(l => !l.StartsWith('-') && !l.StartsWith('/')).ToList();

    internal static async Task<TempDataDirectory> ImportedStoriesAsync()
    {
        var data = new TempDataDirectory();
        var import = await MicroAICli.RunAsync(data.Path, "import", StoriesFile.Path, "--json");
        Assert.True(import.ExitCode == 0, import.ToString());
        return data;
    }
}

/// <summary>Unknown commands and options stop with exit 2 and the valid names; configuration still starts the server.</summary>
public sealed class CliArgumentTests
{
    [Theory]
    [InlineData("frobnicate", "model.gguf")]
    [InlineData("--port", "9000")]
    [InlineData("--urls", "http://127.0.0.1:1", "frobnicate")]
    [InlineData("-x")]
    public async Task UnknownCommandOrOption_Exits2_NamingTheCommands(params string[] args)
    {
        using var data = new TempDataDirectory();

        var run = await MicroAICli.RunAsync(data.Path, args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"'{args.First(a => a is "frobnicate" or "--port" or "-x")}'", run.Stderr);
        foreach (var command in new[] { "serve", "run", "pull", "list", "show", "rm", "import" })
            Assert.Contains(command, run.Stderr);
    }

    [Fact]
    public async Task UnknownOptionOfACommand_Exits2_NamingItsOptions()
    {
        using var data = new TempDataDirectory();

        var run = await MicroAICli.RunAsync(data.Path, "list", "--jsn");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("'--jsn'", run.Stderr);
        Assert.Contains("--json", run.Stderr);
    }

    [Fact]
    public async Task UnknownOptionOfRun_Exits2_NamingItsOptions_AndHelpRunShowsThem()
    {
        using var data = new TempDataDirectory();

        var run = await MicroAICli.RunWithInputAsync(data.Path, "hello", "run", "stories260k", "--verbos", "--host", FreePort.Address());
        var help = await MicroAICli.RunAsync(data.Path, "help", "run");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("'--verbos'", run.Stderr);
        Assert.Contains("--verbose", run.Stderr);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var option in new[] { "--host", "--system", "--parameter", "--format", "--verbose" })
            Assert.Contains(option, help.Stdout);
    }

    [Theory]
    [InlineData]
    [InlineData("--urls", "http://127.0.0.1:9000", "--MicroAI:DefaultModel=../shared/models/gguf/stories260K.gguf")]
    [InlineData("--MicroAI:DataDirectory", "/tmp/x", "--Logging:LogLevel:Default=Warning", "--MicroAI:Threads=1")]
    [InlineData("MicroAI:DefaultModel=model.gguf", "/Kestrel:Limits:MaxRequestBodySize=10")]
    [InlineData("--microai:models:magika:Path=../shared/models/onnx/magika-standard_v3_3", "--environment", "Production")]
    public void Configuration_StartsTheServer(params string[] args) => Assert.False(CliApp.IsCommand(args), string.Join(' ', args));

    [Theory]
    [InlineData("serve", "--urls", "http://127.0.0.1:9000")]
    [InlineData("run", "stories260k")]
    [InlineData("[suggest:4]", "run ")]
    [InlineData("quantize")]
    [InlineData("--port", "9000")]
    [InlineData("--MicroAI:DefaultModel")] // a key with no value is dropped by the configuration
    public void CommandsAndUnknownWords_GoToTheCli(params string[] args) => Assert.True(CliApp.IsCommand(args), string.Join(' ', args));
}

/// <summary>The chat completions route, not streamed: what `microai run` must print.</summary>
internal static class ChatRoute
{
    public static async Task<string> GreedyAnswerAsync(RegistryTestServer server, IEnumerable<(string Role, string Content)> messages, int maxTokens = 40)
    {
        var request = new JsonObject
        {
            ["model"] = "stories260k",
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
            ["temperature"] = 0,
            ["max_tokens"] = maxTokens,
        };
        var (response, body, text) = await server.Http.PostJsonAsync("v1/chat/completions", request);
        Assert.True(response.IsSuccessStatusCode, $"chat → {(int)response.StatusCode}: {text}");
        var answer = (string?)body!["choices"]![0]!["message"]!["content"];
        Assert.False(string.IsNullOrEmpty(answer), text);
        return answer!;
    }
}

/// <summary>A loopback port nothing listens on (taken and released), so the CLI finds no server there.</summary>
internal static class FreePort
{
    public static string Address()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }
}
