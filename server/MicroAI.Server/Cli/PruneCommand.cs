using System.CommandLine;

namespace MicroAI.Server.Cli;

/// <summary>microai prune: deletes blobs no manifest names and temp files left by crashes.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var command = new Command("prune", "Delete registry files that no model uses.");
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var n = await context.Store.PruneAsync(ct);
            if (result.GetValue(CliApp.Json))
                CliOutput.JsonLine(w => { w.WriteStartObject(); w.WriteNumber("deleted_files", n); w.WriteEndObject(); });
            else
                Console.WriteLine($"deleted {n} unused file(s)");
            return ExitCodes.Ok;
        });
        return command;
    }
}
