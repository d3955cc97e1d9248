using System.CommandLine;

namespace MicroAI.Server.Cli;

/// <summary>microai serve [--urls URL] [--MicroAI:Key=value ...]</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Start the OpenAI-compatible server (the default when no command is given).");
        command.SetAction(async (result, ct) =>
        {
            var app = MicroAIApp.Build(CliApp.ConfigurationArguments(result).ToArray());
            await app.RunAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }
}
