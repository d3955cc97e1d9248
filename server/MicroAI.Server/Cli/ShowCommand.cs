using System.CommandLine;
using MicroAI.ModelRegistry;
using Spectre.Console;
using MicroAI.Server.Management;

namespace MicroAI.Server.Cli;

/// <summary>microai show NAME [--json]: a model's metadata, files and defaults.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Model id (name or name:tag)." };
        var command = new Command("show", "Show a model's metadata, files and defaults.");
        command.Arguments.Add(name);
        command.Options.Add(CliApp.Json);
        command.SetAction(result =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var id = result.GetValue(name)!;
            var entry = context.Catalog.Find(id);
            if (entry is null)
                return CliOutput.Error($"The model '{id}' does not exist. `microai list` shows what there is.", ExitCodes.NotFound, json);
            if (json)
            {
                CliOutput.JsonLine(w => ModelJson.WriteDetails(w, entry, loaded: null));
                return ExitCodes.Ok;
            }
            var m = entry.Manifest;
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string k, object? v)
            {
                if (v is not null && v.ToString() is { Length: > 0 } s)
                    grid.AddRow(new Text(k), new Text(s));
            }
            Row("id", entry.Id);
            Row("path", entry.Path);
            Row("source", m?.Source.Uri is { } uri ? $"{entry.Source} ({uri})" : entry.Source);
            Row("format", entry.Format.Name());
            Row("size", CliOutput.Size(entry.SizeBytes));
            Row("architecture", m?.Architecture);
            Row("parameters", m?.ParameterCount?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            Row("quantization", m?.Quantization);
            if (m?.Lineage is { } lineage)
                Row("lineage", $"{lineage.Operation} {lineage.Type} of {lineage.ParentName} ({lineage.ParentDigest[..19]}…)"
                    + (lineage.Parameters.Count == 0 ? "" : ", " + string.Join(", ", lineage.Parameters.Select(p => $"{p.Key}={p.Value}"))));
            Row("context length", m?.ContextLength);
            Row("embedding length", m?.EmbeddingLength);
            Row("pooling", m?.PoolingType);
            Row("vocabulary", m?.VocabularySize);
            Row("capabilities", string.Join(", ", entry.Capabilities));
            Row("task", m?.Onnx?.Task);
            Row("chat template", m?.ChatTemplate is { } t ? $"{t.Length} characters" : null);
            Row("system prompt", entry.Settings.SystemPrompt);
            foreach (var f in m?.Files ?? [])
                Row("file", $"{f.Name} ({f.Role}, {CliOutput.Size(f.Size)}, {f.Digest[..19]}…){(f.ExternalPath is null ? "" : " → " + f.ExternalPath)}");
            CliOutput.Write(grid);
            return ExitCodes.Ok;
        });
        return command;
    }
}
