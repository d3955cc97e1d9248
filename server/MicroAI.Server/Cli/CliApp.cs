using System.CommandLine;

namespace MicroAI.Server.Cli;

/// <summary>
/// The command line of the one MicroAI binary: <c>serve</c> (also what runs with no command),
/// the registry commands <c>pull list show rm tag import prune</c>, and <c>keys</c>.
/// Options of the form --MicroAI:Key=value pass through as configuration for every command.
/// </summary>
internal static class CliApp
{
    private static readonly HashSet<string> s_commands = ["serve", "pull", "list", "ls", "show", "rm", "tag", "cp", "alias", "import", "prune", "keys", "help", "--help", "-h", "-?", "--version"];

    /// <summary>True when the arguments start with a CLI command; anything else starts the server as before.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && s_commands.Contains(args[0]);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("MicroAI: a local OpenAI-compatible inference server and model registry.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(PullCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(ShowCommand.Create());
        root.Subcommands.Add(RemoveCommand.Create());
        root.Subcommands.Add(TagCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(PruneCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        foreach (var command in root.Subcommands)
            command.TreatUnmatchedTokensAsErrors = false; // --MicroAI:Key=value configuration
        var parsed = root.Parse(args);
        try
        {
            return await parsed.InvokeAsync();
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Cancelled;
        }
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
