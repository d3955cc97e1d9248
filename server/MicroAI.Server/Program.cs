using MicroAI.Engines.Abstractions;
using MicroAI.Server;
using MicroAI.Server.Cli;
using MicroAI.Server.Hosting;

// No arguments, or only configuration (--urls ..., --MicroAI:DefaultModel=...), starts the server;
// anything else is the CLI's: a command, or an unknown word or option it refuses with exit 2.
if (CliApp.IsCommand(args))
    return await CliApp.RunAsync(args);

try
{
    var app = MicroAIApp.Build(args);
    // One clear line and exit code 1 when a required native is missing or built for another
    // platform, before listening: a server that answers 503 for ever is harder to diagnose in a
    // container than one that does not start.
    var natives = NativePreflight.Check(app.Services.GetServices<IModelEngine>());
    if (natives.Problem is not null)
    {
        Console.Error.WriteLine(natives.Problem);
        return 1;
    }
    app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MicroAI.Server.Startup").LogInformation("{Natives}", natives.Report);
    await app.RunAsync();
    return 0;
}
catch (InvalidOperationException ex) when (ex.Message.StartsWith("Invalid configuration", StringComparison.Ordinal))
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
