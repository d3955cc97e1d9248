using System.Globalization;
using System.Text.Json;
using MicroAI.Engines.Evaluation;
using Spectre.Console;

namespace MicroAI.Server.Cli;

/// <summary>How `eval` and `quantize --eval` print an <see cref="EvaluationResult"/>: JSON fields, or a table with one column per model.</summary>
internal static class EvaluationOutput
{
    public static void Write(Utf8JsonWriter w, string model, EvaluationResult r)
    {
        w.WriteStartObject();
        w.WriteString("model", model);
        w.WriteNumber("file_size", r.FileBytes);
        w.WriteNumber("perplexity", Math.Round(r.Perplexity.Perplexity, 4));
        w.WriteNumber("context", r.ContextSize);
        w.WriteNumber("chunks", r.Perplexity.Chunks.Count);
        w.WriteNumber("tokens_scored", r.Perplexity.TokensScored);
        w.WriteNumber("text_tokens", r.Perplexity.TextTokens);
        w.WriteNumber("prompt_tokens_per_second", Math.Round(r.PromptTokensPerSecond, 1));
        if (r.GenerationTokensPerSecond is { } g) w.WriteNumber("generation_tokens_per_second", Math.Round(g, 1));
        if (r.ResidentBytes is { } rss) w.WriteNumber("resident_bytes", rss);
        w.WriteEndObject();
    }

    public static void Table(IReadOnlyList<(string Model, string? Type, EvaluationResult Result)> rows)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn("");
        foreach (var (model, _, _) in rows)
            table.AddColumn(new TableColumn(Markup.Escape(model)).RightAligned());
        void Row(string name, Func<(string Model, string? Type, EvaluationResult Result), string> value) =>
            table.AddRow([name, .. rows.Select(r => Markup.Escape(value(r)))]);
        Row("type", r => r.Type ?? "-");
        Row("file size", r => CliOutput.Size(r.Result.FileBytes));
        Row("perplexity", r => r.Result.Perplexity.Perplexity.ToString("0.0000", CultureInfo.InvariantCulture));
        Row("chunks × context", r => $"{r.Result.Perplexity.Chunks.Count} × {r.Result.ContextSize}");
        Row("prompt tokens/s", r => r.Result.PromptTokensPerSecond.ToString("0", CultureInfo.InvariantCulture));
        Row("generation tokens/s", r => r.Result.GenerationTokensPerSecond?.ToString("0", CultureInfo.InvariantCulture) ?? "-");
        Row("resident memory", r => r.Result.ResidentBytes is { } b ? CliOutput.Size(b) : "-");
        CliOutput.Write(table);
    }
}
