using System.CommandLine;
using System.CommandLine.Completions;
using MicroAI.ModelRegistry;
using MicroAI.Server.Cli.Chat;

namespace MicroAI.Server.Cli;

/// <summary>
/// microai run MODEL [PROMPT ...] [--host URL] [--system TEXT] [--parameter NAME=VALUE ...] [--format json] [--verbose]:
/// with a prompt (arguments, or stdin when it is not a terminal) prints the streamed answer and
/// exits; without one, an interactive chat in the terminal (<see cref="InteractiveChat"/>).
/// </summary>
internal static class RunCommand
{
    /// <summary>The key sent to a server that requires one (load-tests/soak.sh sets the same variable).</summary>
    public const string ApiKeyVariable = "MICROAI_API_KEY";

    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Model id (name or name:tag); `microai list` shows them." };
        model.CompletionSources.Add(ModelNames);
        var prompt = new Argument<string[]>("prompt") { Description = "The message; without one (and with stdin a terminal) the chat is interactive.", Arity = ArgumentArity.ZeroOrMore };
        var host = new Option<string?>("--host")
        {
            Description = $"The server to talk to (default: the address the server's configuration names, `urls`, else {MicroAIApp.DefaultUrl}). When nothing answers there, the model runs in this process.",
        };
        var system = new Option<string?>("--system") { Description = "A system message for the conversation." };
        var parameter = new Option<string[]>("--parameter", "-p")
        {
            Description = $"name=value, as /set parameter takes it ({string.Join(", ", ChatParameters.Names)}); repeatable.",
        };
        var format = new Option<string?>("--format") { Description = "json: the answer is a JSON object." };
        format.AcceptOnlyFromAmong("json");
        var verbose = new Option<bool>("--verbose") { Description = "Print token counts and speed after each answer." };
        var command = new Command("run", "Chat with a model: one answer for a prompt, or an interactive chat in the terminal.");
        command.Arguments.Add(model);
        command.Arguments.Add(prompt);
        command.Options.Add(host);
        command.Options.Add(system);
        command.Options.Add(parameter);
        command.Options.Add(format);
        command.Options.Add(verbose);
        command.SetAction(async (result, ct) =>
        {
            var configuration = CliApp.ConfigurationArguments(result).ToList();
            configuration.AddRange(ConfigurationTokens.Extract(result.GetValue(prompt) ?? [], out var words, out var unknown));
            if (unknown is not null)
                return CliOutput.Error($"unknown option '{unknown}' for 'microai run'; its options are {string.Join(", ", command.Options.Select(o => o.Name))}, and configuration as --MicroAI:Key=value. A prompt that starts with '-' can come on stdin.", ExitCodes.Invalid, json: false);
            var session = new ChatSession(result.GetValue(model)!) { System = result.GetValue(system), Json = result.GetValue(format) == "json", Verbose = result.GetValue(verbose) };
            foreach (var assignment in result.GetValue(parameter) ?? [])
            {
                if (session.Parameters.Set(assignment) is { } problem)
                    return CliOutput.Error(problem, ExitCodes.Invalid, json: false);
            }
            var address = ResolveAddress(result.GetValue(host), new CliContext(configuration).Configuration);
            if (address is null)
                return CliOutput.Error($"--host '{result.GetValue(host)}' is not an address such as http://127.0.0.1:8080 or 127.0.0.1:8080.", ExitCodes.Invalid, json: false);

            var interactive = words.Count == 0 && !Console.IsInputRedirected;
            string? text = null;
            if (!interactive)
            {
                // As `ollama run`: piped text first, then the arguments.
                var piped = Console.IsInputRedirected ? (await Console.In.ReadToEndAsync(ct)).TrimEnd('\n', '\r') : "";
                text = string.Join(' ', new[] { piped }.Where(p => p.Length > 0).Concat(words));
                if (string.IsNullOrWhiteSpace(text))
                    return CliOutput.Error("No prompt: give one after the model's name or on stdin.", ExitCodes.Invalid, json: false);
            }

            var (connection, error, exitCode) = await ChatConnection.OpenAsync(address, configuration, ct);
            if (connection is null)
                return CliOutput.Error(error!, exitCode, json: false);
            await using (connection)
            {
                var client = new ChatClient(connection.Http);
                return interactive
                    ? await new InteractiveChat(client, session).RunAsync()
                    : await AnswerOnceAsync(client, session, text!);
            }
        });
        return command;
    }

    /// <summary>Prints the answer as it streams; Ctrl+C stops it (exit 130).</summary>
    private static async Task<int> AnswerOnceAsync(ChatClient client, ChatSession session, string prompt)
    {
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true };
            var answer = await session.AskAsync(client, prompt, piece => stdout.Write(piece), interrupt.Token);
            if (answer.Text.Length > 0 && !answer.Text.EndsWith('\n'))
                stdout.Write('\n');
            if (answer.Error is not null)
                return CliOutput.Error(answer.Error, answer.ExitCode, json: false);
            if (session.Verbose)
                ChatSession.WriteStats(Console.Error, answer);
            return answer.ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// --host (a URL, or host:port as OLLAMA_HOST takes it), else where the server's own
    /// configuration makes it listen: <c>urls</c> (appsettings.json, ASPNETCORE_URLS,
    /// --urls), then the first Kestrel endpoint, else <see cref="MicroAIApp.DefaultUrl"/>. A
    /// wildcard host (0.0.0.0, [::], *, +) is this machine. Null when --host is not an address.
    /// </summary>
    public static Uri? ResolveAddress(string? host, IConfiguration configuration)
    {
        var configured = host
            ?? configuration["urls"]
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS")
            ?? Environment.GetEnvironmentVariable("DOTNET_URLS")
            ?? configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).FirstOrDefault(u => !string.IsNullOrEmpty(u))
            ?? MicroAIApp.DefaultUrl;
        var first = configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        if (!first.Contains("://", StringComparison.Ordinal))
            first = "http://" + first;
        var wildcard = System.Text.RegularExpressions.Regex.Match(first, @"^(\w+://)(\*|\+|0\.0\.0\.0|\[::\])(:\d+)?(/.*)?$");
        if (wildcard.Success)
            first = wildcard.Groups[1].Value + "127.0.0.1" + wildcard.Groups[3].Value + wildcard.Groups[4].Value;
        return Uri.TryCreate(first, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/")
            : null;
    }

    /// <summary>Registry ids of the models that generate text, for shell completion of the model argument.</summary>
    private static IEnumerable<CompletionItem> ModelNames(CompletionContext context)
    {
        IReadOnlyList<ModelEntry> models;
        try
        {
            var tokens = context.ParseResult.Tokens.Select(t => t.Value).ToList();
            models = new CliContext(ConfigurationTokens.Extract(tokens, out _, out _)).Catalog.List();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return []; // completion never fails the shell
        }
        return models
            .Where(m => m.Has(ModelCapability.Completion) || m.Has(ModelCapability.Chat))
            .Select(m => m.Id)
            .Where(id => id.StartsWith(context.WordToComplete, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(id => new CompletionItem(id));
    }
}
