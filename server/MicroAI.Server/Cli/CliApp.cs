using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace MicroAI.Server.Cli;

/// <summary>
/// The command line of the one MicroAI binary: <c>serve</c> (also what runs with no command),
/// <c>run</c>, the registry commands <c>pull list show rm tag import prune</c>, and <c>keys</c>.
/// Options of the form --MicroAI:Key=value pass through as configuration for every command.
/// </summary>
internal static class CliApp
{
    private static readonly HashSet<string> s_commands = ["serve", "run", "pull", "push", "login", "list", "ls", "show", "rm", "tag", "cp", "alias", "import", "prune", "keys", "keygen", "sign", "rollback", "help", "--help", "-h", "-?", "--version"];

    /// <summary>
    /// True unless the arguments start the server: none, or only configuration
    /// (<see cref="ConfigurationTokens"/>). A bare word or an unknown option goes to the parser,
    /// which names the valid ones and exits 2. A [directive] (dotnet-suggest's [suggest]) is the CLI's.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (s_commands.Contains(args[0]) || args[0].StartsWith('[') || ConfigurationTokens.FirstUnknown(args) is not null);

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("MicroAI: a local OpenAI-compatible inference server and model registry.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(PullCommand.Create());
        root.Subcommands.Add(PushCommand.Create());
        root.Subcommands.Add(LoginCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(RemoveCommand.Create());
        root.Subcommands.Add(TagCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(QuantizeCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PruneCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(KeygenCommand.Create());
        root.Subcommands.Add(SignCommand.Create());
        root.Subcommands.Add(RollbackCommand.Create());
        foreach (var command in root.Subcommands)
            command.TreatUnmatchedTokensAsErrors = false; // --MicroAI:Key=value configuration
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["help", .. var topic])
            args = [.. topic, "--help"]; // `microai help run` as `microai run --help`
        var parsed = CreateRoot().Parse(args);
        if (parsed.Action is ParseErrorAction || (!parsed.Tokens.Any(t => t.Type == TokenType.Directive) && ConfigurationTokens.FirstUnknown(parsed.UnmatchedTokens) is not null))
            return ParseError(parsed);
        try
        {
            // `run` handles Ctrl+C itself: it stops an answer, not the chat.
            var run = parsed.CommandResult.Command.Name == "run";
            return await parsed.InvokeAsync(run ? new InvocationConfiguration { ProcessTerminationTimeout = null } : null);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
    }

    /// <summary>Exit 2 with what was wrong and the valid commands or options, on stderr.</summary>
    private static int ParseError(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        if (command is RootCommand)
        {
            var unknown = ConfigurationTokens.FirstUnknown(parsed.Tokens.Where(t => t.Type != TokenType.Directive).Select(t => t.Value).ToList());
            Console.Error.WriteLine(unknown is null
                ? "error: " + string.Join(" ", parsed.Errors.Select(e => e.Message))
                : $"error: unknown {(unknown.StartsWith('-') ? "option" : "command")} '{unknown}'.");
            Console.Error.WriteLine($"The commands are: {string.Join(", ", command.Subcommands.Select(c => c.Name))}.");
            Console.Error.WriteLine($"The server starts with no command, or with configuration only: --urls URL, --MicroAI:Key=value (roots: {string.Join(", ", ConfigurationTokens.Roots)}). See microai --help.");
            return ExitCodes.Invalid;
        }
        var path = string.Join(' ', parsed.CommandResult.Command.Parents.OfType<Command>().Where(c => c is not RootCommand).Reverse().Append(command).Select(c => c.Name));
        if (ConfigurationTokens.FirstUnknown(parsed.UnmatchedTokens) is { } token)
            Console.Error.WriteLine($"error: unknown option or argument '{token}' for 'microai {path}'.");
        foreach (var error in parsed.Errors)
            Console.Error.WriteLine("error: " + error.Message);
        if (command.Subcommands.Count > 0)
            Console.Error.WriteLine($"The commands of 'microai {path}' are: {string.Join(", ", command.Subcommands.Select(c => c.Name))}.");
        var options = command.Options.Where(o => !o.Hidden).Select(o => o.Name).ToList();
        Console.Error.WriteLine(options.Count > 0
            ? $"The options of 'microai {path}' are: {string.Join(", ", options)}; configuration is given as --MicroAI:Key=value. See microai {path} --help."
            : $"See microai {path} --help.");
        return ExitCodes.Invalid;
    }

    /// <summary>Tokens System.CommandLine did not match: configuration arguments for <see cref="CliContext"/>.</summary>
    public static IEnumerable<string> ConfigurationArguments(ParseResult result) => result.UnmatchedTokens;

    public static Option<string?> CapabilitiesOption() =>
        new("--capabilities") { Description = "Override the inferred capabilities: completion,chat,embeddings,classification,rerank." };

    /// <summary>"a, b,c" → ["a","b","c"]; null stays null (nothing given).</summary>
    public static string[]? ParseList(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static readonly Option<bool> Json = new("--json") { Description = "Write JSON (NDJSON for progress) instead of tables and progress bars." };
}
