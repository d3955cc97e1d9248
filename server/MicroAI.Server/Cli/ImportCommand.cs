using System.CommandLine;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.Server.Cli;

/// <summary>microai import PATH [--name NAME] [--reference] [--capabilities a,b]</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A .gguf or .onnx file, or a model folder (Hugging Face style ONNX folder)." };
        var name = new Option<string?>("--name") { Description = "Registry name (default: from the file or folder name)." };
        var reference = new Option<bool>("--reference") { Description = "Reference the files in place instead of copying them into the registry." };
        var capabilities = CliApp.CapabilitiesOption();
        var command = new Command("import", "Add a local model file or folder to the registry.");
        command.Arguments.Add(path);
        command.Options.Add(name);
        command.Options.Add(reference);
        command.Options.Add(capabilities);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var caps = CliApp.ParseList(result.GetValue(capabilities));
            var imported = await context.Store.ImportAsync(
                new ImportRequest(result.GetValue(path)!, result.GetValue(name), result.GetValue(reference), caps), null, ct);
            if (!imported.Success)
                return CliOutput.Error(imported.Error!, ExitCodes.From(imported.Kind), json);
            var m = imported.Manifest!;
            if (json)
                CliOutput.JsonLine(w => { w.WriteStartObject(); w.WriteString("status", "success"); w.WriteString("model", m.ModelName.ToString()); w.WriteEndObject(); });
            else
                Console.WriteLine($"imported {m.ModelName} ({m.Format}, {CliOutput.Size(m.TotalSize)}, {string.Join(", ", m.Capabilities)})");
            return ExitCodes.Ok;
        });
        return command;
    }
}
