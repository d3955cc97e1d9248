namespace MicroAI.Server.Tests;

/// <summary>
/// `microai run MODEL` in a terminal (a tmux pane), with no server on its address, so the model
/// runs in-process: what a user types and what the screen shows, answers compared with the chat
/// completions route's greedy answers for the same conversation.
/// </summary>
public sealed class InteractiveRunTests
{
    private const string Prompt = ">>> ";
    private const string FollowUp = "What did she find?";

    [TmuxFact]
    public async Task Chat_KeepsHistory_TakesParameters_Clears_AndEndsWithBye()
    {
        using var data = await RunCommandTests.ImportedStoriesAsync();
        string first, second, secondAfterClear;
        await using (var server = await RegistryTestServer.StartAsync(data.Path))
        {
            first = await ChatRoute.GreedyAnswerAsync(server, [("user", RunCommandTests.Question)]);
            second = await ChatRoute.GreedyAnswerAsync(server, [("user", RunCommandTests.Question), ("assistant", first), ("user", FollowUp)]);
            secondAfterClear = await ChatRoute.GreedyAnswerAsync(server, [("user", FollowUp)]);
        }
        Assert.NotEqual(second, secondAfterClear); // else the history would make no visible difference

        using var chat = Start(data.Path);
        await chat.WaitAsync(s => s.EndsWith(Prompt.TrimEnd(), StringComparison.Ordinal), "the first prompt");

        await SayAsync(chat, "/set parameter temperature 0", "Set parameter 'temperature' to '0'");
        await SayAsync(chat, "/set parameter num_predict 40", "Set parameter 'num_predict' to '40'");

        await SayAsync(chat, RunCommandTests.Question, Screen(first) + "\n\n" + Prompt.TrimEnd());
        await SayAsync(chat, FollowUp, Screen(second) + "\n\n" + Prompt.TrimEnd());

        await SayAsync(chat, "/show parameters", "num_predict          40\ntemperature          0");
        await SayAsync(chat, "/clear", "Cleared session context");
        await SayAsync(chat, FollowUp, Screen(secondAfterClear) + "\n\n" + Prompt.TrimEnd());

        await SayAsync(chat, "/quantize", "Unknown command '/quantize'. The commands are: /set, /show, /load, /clear, /bye, /?, /help.");
        await SayAsync(chat, "/set parameter num_ctx 4096", "'num_ctx' is a setting of the server here (MicroAI:ContextSize)");

        await SayAsync(chat, "/bye", TmuxSession.ExitedMarker(0));
    }

    [TmuxFact]
    public async Task CtrlC_StopsTheAnswer_NotTheChat_AndCtrlD_Exits()
    {
        using var data = await RunCommandTests.ImportedStoriesAsync();
        string fresh;
        await using (var server = await RegistryTestServer.StartAsync(data.Path))
            fresh = await ChatRoute.GreedyAnswerAsync(server, [("user", FollowUp)]);
        // A context of 4096 and as many tokens to predict: the story is still being told when Ctrl+C comes.
        using var chat = Start(data.Path, "--MicroAI:ContextSize=4096");
        await chat.WaitAsync(s => s.EndsWith(Prompt.TrimEnd(), StringComparison.Ordinal), "the first prompt");

        await SayAsync(chat, "/set parameter num_predict 4000", "Set parameter 'num_predict' to '4000'");
        const string story = "Tell me a very long story.";
        chat.SendLine(story);
        await chat.WaitAsync(s => s.Length > s.LastIndexOf(story, StringComparison.Ordinal) + story.Length + 20, "the answer to start");
        chat.SendKey("C-c");
        await chat.WaitForAsync("\n" + Prompt.TrimEnd(), Prompt + story);

        // The stopped turn left no history: the next greedy answer is the one to a first question.
        await SayAsync(chat, "/set parameter temperature 0", "Set parameter 'temperature' to '0'");
        await SayAsync(chat, "/set parameter num_predict 40", "Set parameter 'num_predict' to '40'");
        await SayAsync(chat, FollowUp, Screen(fresh) + "\n\n" + Prompt.TrimEnd());

        chat.SendKey("C-c"); // at the prompt: a hint, and the chat goes on
        await chat.WaitForAsync("Use Ctrl + d or /bye to exit.", Prompt + FollowUp);
        await SayAsync(chat, "/show system", "No system message was set for this session");
        chat.SendKey("C-d");
        await chat.WaitForAsync(TmuxSession.ExitedMarker(0), Prompt + "/show system");
    }

    /// <summary>Types a line at the prompt and waits for <paramref name="expected"/> below it.</summary>
    private static Task SayAsync(TmuxSession chat, string line, string expected)
    {
        chat.SendLine(line);
        return chat.WaitForAsync(expected, Prompt + line);
    }

    private static TmuxSession Start(string dataDirectory, params string[] configuration) => new(
        [MicroAICli.DotnetHost(), MicroAICli.ServerDll, "run", "stories260k", "--host", FreePort.Address(), .. configuration],
        new Dictionary<string, string>
        {
            ["MicroAI__DataDirectory"] = dataDirectory,
            ["MicroAI__OllamaModelsDirectory"] = "none",
            ["DOTNET_NOLOGO"] = "1",
        });

    /// <summary>An answer as the pane shows it: lines without trailing spaces.</summary>
    private static string Screen(string answer) => string.Join('\n', answer.Split('\n').Select(l => l.TrimEnd())).TrimEnd();
}
