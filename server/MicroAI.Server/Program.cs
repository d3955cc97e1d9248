using MicroAI.Server;
using MicroAI.Server.Cli;

// `microai pull|list|show|rm|tag|import|prune|serve ...` runs the CLI; anything else (no arguments,
// or only options such as --urls and --MicroAI:DefaultModel=...) starts the server.
if (CliApp.IsCommand(args))
    return await CliApp.RunAsync(args);

try
{
    var app = MicroAIApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Invalid configuration", StringComparison.Ordinal))
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
