using System.Text;
using System.Text.Json;

namespace MicroAI.Server.Cli.Chat;

/// <summary>
/// The chat in a terminal, with <c>ollama run</c>'s prompt and commands: <c>/set</c> (parameter,
/// system, format, verbose), <c>/show</c>, <c>/load</c>, <c>/clear</c>, <c>/bye</c>, <c>/?</c>;
/// <c>"""</c> opens and closes a message of several lines. Ctrl+C stops an answer (not the
/// program); Ctrl+D on an empty line, or <c>/bye</c>, ends the chat. Everything is read and written
/// on the calling thread except the Ctrl+C handler, which only cancels or prints a hint.
/// </summary>
internal sealed class InteractiveChat(ChatClient client, ChatSession session)
{
    private const string Prompt = ">>> ";
    private const string Continuation = "... ";
    private const string Quotes = "\"\"\"";

    private static readonly string[] s_commands = ["/set", "/show", "/load", "/clear", "/bye", "/?", "/help"];

    private readonly TextWriter _out = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
    private volatile CancellationTokenSource? _answering;

    public async Task<int> RunAsync()
    {
        var (model, error, exitCode) = await client.GetModelAsync(session.Model, CancellationToken.None);
        if (model is null)
            return CliOutput.Error(error!, exitCode, json: false);
        model.Dispose();

        Console.CancelKeyPress += OnCancelKeyPress;
        try
        {
            while (ReadMessage() is { } line)
            {
                if (line.Length == 0)
                    continue;
                if (line.StartsWith('/'))
                {
                    if (await CommandAsync(line) is { } exit)
                        return exit;
                    continue;
                }
                await AnswerAsync(line);
            }
            _out.WriteLine(); // Ctrl+D: the shell's prompt on a line of its own
            return ExitCodes.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= OnCancelKeyPress;
        }
    }

    /// <summary>One line, or the lines between a pair of """; null at the end of input.</summary>
    private string? ReadMessage()
    {
        _out.Write(Prompt);
        var line = Console.ReadLine();
        if (line is null)
            return null;
        var open = line.IndexOf(Quotes, StringComparison.Ordinal);
        if (open < 0 || line.IndexOf(Quotes, open + Quotes.Length, StringComparison.Ordinal) >= 0)
            return line.Trim();
        var text = new StringBuilder(line.Remove(open, Quotes.Length));
        while (true)
        {
            _out.Write(Continuation);
            var next = Console.ReadLine();
            if (next is null)
                return null;
            var close = next.IndexOf(Quotes, StringComparison.Ordinal);
            text.Append('\n').Append(close < 0 ? next : next[..close]);
            if (close >= 0)
                return text.ToString().Trim();
        }
    }

    private async Task AnswerAsync(string prompt)
    {
        using var answering = new CancellationTokenSource();
        _answering = answering;
        ChatAnswer answer;
        try
        {
            answer = await session.AskAsync(client, prompt, _out.Write, answering.Token);
        }
        finally
        {
            _answering = null;
        }
        _out.WriteLine(answer.Text.EndsWith('\n') ? "" : "\n");
        if (answer.Error is not null)
            Console.Error.WriteLine("error: " + answer.Error);
        else if (session.Verbose && !answer.Cancelled)
            ChatSession.WriteStats(Console.Error, answer);
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        if (_answering is { } answering)
        {
            try
            {
                answering.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The answer ended as the key was pressed.
            }
            return;
        }
        _out.Write("\nUse Ctrl + d or /bye to exit.\n" + Prompt);
    }

    /// <summary>Runs a slash command; returns the exit code when it ends the chat.</summary>
    private async Task<int?> CommandAsync(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        switch (words[0])
        {
            case "/bye":
                return ExitCodes.Ok;
            case "/clear":
                session.Clear();
                _out.WriteLine("Cleared session context");
                return null;
            case "/?" or "/help":
                _out.WriteLine(words.Length > 1 && words[1] == "shortcuts" ? Shortcuts : Help);
                return null;
            case "/set":
                Set(line, words);
                return null;
            case "/show":
                await ShowAsync(words);
                return null;
            case "/load":
                await LoadAsync(words);
                return null;
            default:
                _out.WriteLine($"Unknown command '{words[0]}'. The commands are: {string.Join(", ", s_commands)}.");
                return null;
        }
    }

    private void Set(string line, string[] words)
    {
        if (words.Length == 1)
        {
            _out.WriteLine(SetHelp);
            return;
        }
        switch (words[1])
        {
            case "parameter" when words.Length == 2:
                _out.WriteLine("Available Parameters:\n" + string.Join('\n', ChatParameters.HelpLines) + "\n");
                return;
            case "parameter":
                var values = words.Skip(3).ToList();
                _out.WriteLine(session.Parameters.Set(words[2], values) ?? $"Set parameter '{words[2]}' to '{string.Join(", ", values)}'");
                return;
            case "system":
                // The rest of the line as typed, spaces kept.
                var text = line[(line.IndexOf("system", StringComparison.Ordinal) + "system".Length)..].Trim();
                session.System = text.Length == 0 ? null : text;
                _out.WriteLine(text.Length == 0 ? "Cleared system message." : "Set system message.");
                return;
            case "format" when words.Length == 3 && words[2] == "json":
                session.Json = true;
                _out.WriteLine("Set format to 'json' mode.");
                return;
            case "noformat":
                session.Json = false;
                _out.WriteLine("Disabled format.");
                return;
            case "verbose" or "quiet":
                session.Verbose = words[1] == "verbose";
                _out.WriteLine($"Set '{words[1]}' mode.");
                return;
            default:
                _out.WriteLine($"Unknown /set command '{string.Join(' ', words[1..])}'. The /set commands are: parameter, system, format json, noformat, verbose, quiet.");
                return;
        }
    }

    private async Task ShowAsync(string[] words)
    {
        switch (words.Length > 1 ? words[1] : null)
        {
            case null:
                _out.WriteLine(ShowHelp);
                return;
            case "info":
                var (model, error, _) = await client.GetModelAsync(session.Model, CancellationToken.None);
                if (model is null)
                {
                    Console.Error.WriteLine("error: " + error);
                    return;
                }
                using (model)
                {
                    var root = model.RootElement;
                    _out.WriteLine($"  {"model",-20} {root.GetProperty("id").GetString()}");
                    if (root.TryGetProperty("metadata", out var metadata))
                    {
                        foreach (var field in metadata.EnumerateObject())
                            _out.WriteLine($"  {field.Name,-20} {(field.Value.ValueKind == JsonValueKind.Array ? string.Join(", ", field.Value.EnumerateArray()) : field.Value.ToString())}");
                    }
                }
                _out.WriteLine();
                return;
            case "parameters":
                _out.WriteLine(session.Parameters.IsEmpty
                    ? "No parameters were set for this session; the model's defaults apply."
                    : "Session parameters:\n" + string.Join('\n', session.Parameters.Describe()));
                return;
            case "system":
                _out.WriteLine(session.System ?? "No system message was set for this session; the model's own, if any, applies.");
                return;
            default:
                _out.WriteLine($"Unknown /show command '{words[1]}'. The /show commands are: info, parameters, system.");
                return;
        }
    }

    private async Task LoadAsync(string[] words)
    {
        if (words.Length != 2)
        {
            _out.WriteLine("Usage: /load <model>");
            return;
        }
        var (model, error, _) = await client.GetModelAsync(words[1], CancellationToken.None);
        if (model is null)
        {
            Console.Error.WriteLine("error: " + error);
            return;
        }
        model.Dispose();
        session.Model = words[1];
        session.Clear();
        _out.WriteLine($"Loading model '{words[1]}'");
    }

    private const string Help = """"
        Available Commands:
          /set            Set session variables
          /show           Show model information
          /load <model>   Load a session or model
          /clear          Clear session context
          /bye            Exit
          /?, /help       Help for a command
          /? shortcuts    Help for keyboard shortcuts

        Use """ to begin a multi-line message.

        """";

    private const string SetHelp = """
        Available Commands:
          /set parameter ...     Set a parameter
          /set system <string>   Set system message
          /set format json       Enable JSON mode
          /set noformat          Disable formatting
          /set verbose           Show LLM stats
          /set quiet             Disable LLM stats

        """;

    private const string ShowHelp = """
        Available Commands:
          /show info         Show details for this model
          /show parameters   Show parameters for this model
          /show system       Show system message

        """;

    private const string Shortcuts = """"
        Available keyboard shortcuts:
          Ctrl + c            Stop the model from responding
          Ctrl + d            Exit (if you have nothing typed)
          """                 Begin or end a multi-line message

        """";
}
