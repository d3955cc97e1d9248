using System.CommandLine;

namespace MicroAI.Server.Cli;

/// <summary>microai rm NAME: removes a registry model and the blobs no other model uses.</summary>
internal static class RemoveCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Model in the registry (name or name:tag)." };
        var command = new Command("rm", "Remove a model from the registry (files shared with other models stay).");
        command.Arguments.Add(name);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var id = result.GetValue(name)!;
            var removed = await context.Store.RemoveAsync(id, ct);
            if (!removed.Success)
            {
                var elsewhere = context.Catalog.Find(id);
                var message = elsewhere is not null && elsewhere.Source != "registry"
                    ? $"'{id}' is not in the registry: it comes from {elsewhere.Source} ({elsewhere.Path}); remove it there."
                    : removed.Error!;
                return CliOutput.Error(message, ExitCodes.From(removed.Kind), json);
            }
            if (json)
                CliOutput.JsonLine(w => { w.WriteStartObject(); w.WriteString("deleted", removed.Manifest!.ModelName.ToString()); w.WriteEndObject(); });
            else
                Console.WriteLine($"deleted {removed.Manifest!.ModelName}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
