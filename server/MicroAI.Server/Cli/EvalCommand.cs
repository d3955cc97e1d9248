using System.CommandLine;
using MicroAI.Engines.Evaluation;
using MicroAI.ModelRegistry;
using Spectre.Console;

namespace MicroAI.Server.Cli;

/// <summary>microai eval MODEL [--text FILE] [--ctx N] [--threads N] [--json]: perplexity, tokens/s and resident memory of a GGUF model.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Model id (name or name:tag); `microai list` shows them." };
        var text = new Option<FileInfo?>("--text") { Description = "A UTF-8 text to score (default: the two public-domain stories that ship with MicroAI, ~2,700 words)." };
        var ctx = new Option<int?>("--ctx") { Description = "Tokens per chunk (default 512, or the model's training context if smaller); half of each chunk is scored." };
        var threads = new Option<int?>("--threads") { Description = "Decode threads (default: MicroAI:Threads, else every core)." };
        var command = new Command("eval", "Measure a GGUF model: perplexity over a text (as llama.cpp's perplexity tool computes it), tokens/s and resident memory.");
        command.Arguments.Add(model);
        command.Options.Add(text);
        command.Options.Add(ctx);
        command.Options.Add(threads);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var id = result.GetValue(model)!;
            if (context.Catalog.Find(id) is not { } entry)
                return CliOutput.Error($"The model '{id}' does not exist. `microai list` shows what there is.", ExitCodes.NotFound, json);
            string body;
            if (result.GetValue(text) is { } file)
            {
                if (!file.Exists)
                    return CliOutput.Error($"'{file.FullName}' does not exist.", ExitCodes.NotFound, json);
                body = await File.ReadAllTextAsync(file.FullName, ct);
            }
            else
            {
                body = EvaluationTexts.Default;
            }
            using var engines = new EngineServices(context);
            var (evaluated, error) = await RunAsync(engines.Evaluator, entry, body, result.GetValue(ctx), result.GetValue(threads), json, ct);
            if (error is not null)
                return CliOutput.Error(error, ExitCodes.Invalid, json);
            if (json)
                CliOutput.JsonLine(w => EvaluationOutput.Write(w, entry.Id, evaluated!));
            else
                EvaluationOutput.Table([(entry.Id, entry.Manifest?.Quantization, evaluated!)]);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One evaluation with a chunk progress bar on a terminal; the error is the user's (a non-GGUF model, a text too short).</summary>
    public static async Task<(EvaluationResult? Result, string? Error)> RunAsync(IModelEvaluator evaluator, ModelEntry entry, string text, int? ctx, int? threads,
        bool json, CancellationToken ct)
    {
        if (entry.Format != ModelFormat.Gguf || entry.Problem is not null)
            return (null, entry.Problem ?? $"'{entry.Id}' is not a GGUF model; eval measures GGUF models.");
        var request = new EvaluationRequest(entry.Path, text, ctx, threads);
        try
        {
            if (json || Console.IsOutputRedirected)
                return (await evaluator.EvaluateAsync(request, null, ct), null);
            EvaluationResult? evaluated = null;
            await AnsiConsole.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progressContext =>
                {
                    var task = progressContext.AddTask(Markup.Escape($"perplexity of {entry.Id}"), maxValue: 1);
                    var progress = new SynchronousProgress<PerplexityProgress>(p =>
                    {
                        task.MaxValue = p.Chunks;
                        task.Value = p.ChunksDone;
                        task.Description = Markup.Escape($"{entry.Id}: perplexity {p.RunningPerplexity:0.00}");
                    });
                    evaluated = await evaluator.EvaluateAsync(request, progress, ct);
                    task.StopTask();
                });
            return (evaluated, null);
        }
        catch (Exception e) when (e is ArgumentException or Engines.Abstractions.ModelLoadException)
        {
            return (null, e.Message);
        }
    }
}
