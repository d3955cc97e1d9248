using System.CommandLine;
using MicroAI.ModelRegistry;
using Spectre.Console;
using MicroAI.Server.Management;

namespace MicroAI.Server.Cli;

/// <summary>microai list [--json]: every model the server can serve, wherever it comes from.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List models: the registry, configured files, the models directory and Ollama's store.");
        command.Aliases.Add("ls");
        command.Options.Add(CliApp.Json);
        command.SetAction(result =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var models = context.Catalog.List();
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartArray();
                    foreach (var m in models)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", m.Id);
                        w.WritePropertyName("metadata");
                        ModelJson.WriteMetadata(w, m, loaded: null);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
                return ExitCodes.Ok;
            }
            if (models.Count == 0)
            {
                Console.WriteLine($"No models. Pull one (microai pull hf://owner/repo/file.gguf) or import a file (microai import model.gguf). Registry: {context.Store.Root}");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("NAME", "FORMAT", "SIZE", "QUANTIZATION", "CAPABILITIES", "SOURCE", "MODIFIED");
            var now = DateTimeOffset.UtcNow;
            foreach (var m in models)
            {
                table.AddRow(
                    Markup.Escape(m.Id),
                    m.Format.Name(),
                    CliOutput.Size(m.SizeBytes),
                    Markup.Escape(m.Manifest?.Quantization ?? "-"),
                    Markup.Escape(string.Join(", ", m.Capabilities)),
                    Markup.Escape(m.Manifest?.Lineage is { } lineage ? $"{m.Source} ({lineage.Type} of {lineage.ParentName})" : m.Source),
                    CliOutput.Age(m.CreatedUtc, now));
            }
            CliOutput.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
