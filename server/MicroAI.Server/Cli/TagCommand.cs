using System.CommandLine;

namespace MicroAI.Server.Cli;

/// <summary>microai tag SOURCE TARGET: another name for a registry model (its files are shared, not copied).</summary>
internal static class TagCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "Existing registry model." };
        var target = new Argument<string>("target") { Description = "New name (name or name:tag)." };
        var command = new Command("tag", "Give a registry model another name or tag (an alias; no copy).");
        command.Aliases.Add("cp");
        command.Aliases.Add("alias");
        command.Arguments.Add(source);
        command.Arguments.Add(target);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var tagged = await context.Store.TagAsync(result.GetValue(source)!, result.GetValue(target)!, ct);
            if (!tagged.Success)
                return CliOutput.Error(tagged.Error!, ExitCodes.From(tagged.Kind), json);
            if (json)
                CliOutput.JsonLine(w => { w.WriteStartObject(); w.WriteString("tagged", tagged.Manifest!.ModelName.ToString()); w.WriteEndObject(); });
            else
                Console.WriteLine($"tagged {result.GetValue(source)} as {tagged.Manifest!.ModelName}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
