using MicroAI.Server;

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
