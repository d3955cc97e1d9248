using System.CommandLine;
using MicroAI.Engines.Quantization;
using MicroAI.ModelRegistry;
using MicroAI.ModelRegistry.Store;
using MicroAI.Server.Management;
using Spectre.Console;

namespace MicroAI.Server.Cli;

/// <summary>
/// microai quantize MODEL TYPE [--name NAME] [--threads N] [--allow-requantize] [--leave-output-tensor] [--pure] [--eval] [--json]:
/// a smaller registry model made with llama.cpp's quantizer, with its parent in its manifest.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The GGUF model to quantize (registry name or name:tag)." };
        var type = new Argument<string>("type") { Description = "Q8_0, Q6_K, Q5_K_M, Q4_K_M, Q4_0, IQ4_XS, Q3_K_M, Q2_K, … (`microai quantize --help` lists them)." };
        var name = new Option<string?>("--name") { Description = "The new model's name (default: <model>-<type>)." };
        var threads = new Option<int?>("--threads") { Description = "Quantization threads (default: MicroAI:Threads, else every core)." };
        var requantize = new Option<bool>("--allow-requantize") { Description = "Quantize an already quantized model, or to a type that is not smaller (the losses compound)." };
        var leaveOutput = new Option<bool>("--leave-output-tensor") { Description = "Keep output.weight as it is in the source: a larger file, usually better text." };
        var pure = new Option<bool>("--pure") { Description = "Every tensor to the type itself, without the K-quant mixes' higher-precision layers." };
        var eval = new Option<bool>("--eval") { Description = "Then measure source and result side by side: size, perplexity, tokens/s, resident memory." };
        var command = new Command("quantize", "Make a smaller copy of a GGUF model with llama.cpp's quantizer; the result is a registry model that names its parent.\nTypes: "
            + string.Join(", ", Types().Where(t => !t.NeedsImportanceMatrix).Select(t => t.Name)) + ".");
        command.Arguments.Add(model);
        command.Arguments.Add(type);
        command.Options.Add(name);
        command.Options.Add(threads);
        command.Options.Add(requantize);
        command.Options.Add(leaveOutput);
        command.Options.Add(pure);
        command.Options.Add(eval);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            using var engines = new EngineServices(context);
            var request = new QuantizeRequest(result.GetValue(model)!, result.GetValue(type)!, result.GetValue(name),
                new QuantizeOptions(result.GetValue(threads), result.GetValue(requantize), result.GetValue(leaveOutput), result.GetValue(pure)));
            StoreResult quantized;
            var started = DateTime.UtcNow;
            try
            {
                quantized = await RunAsync(engines.Quantizer, request, json, ct);
            }
            catch (OperationCanceledException)
            {
                return CliOutput.Error("Cancelled; nothing was kept.", ExitCodes.Cancelled, json);
            }
            if (!quantized.Success)
                return CliOutput.Error(quantized.Error!, ExitCodes.From(quantized.Kind), json);
            var elapsed = DateTime.UtcNow - started;
            var m = quantized.Manifest!;
            var source = context.Catalog.Find(m.Lineage!.ParentName);

            List<(string Model, string? Type, Engines.Evaluation.EvaluationResult Result)>? evaluated = null;
            if (result.GetValue(eval))
            {
                evaluated = [];
                foreach (var (id, quantization) in new[] { (m.Lineage.ParentName, source?.Manifest?.Quantization), (m.ModelName.ToString(), m.Quantization) })
                {
                    var entry = context.Catalog.Find(id);
                    if (entry is null)
                        return CliOutput.Error($"'{id}' disappeared from the registry before it could be measured.", ExitCodes.NotFound, json);
                    var (r, error) = await EvalCommand.RunAsync(engines.Evaluator, entry, EvaluationTexts.Default, null, result.GetValue(threads), json, ct);
                    if (error is not null)
                        return CliOutput.Error($"quantized {m.ModelName}, but could not measure {id}: {error}", ExitCodes.Failed, json);
                    evaluated.Add((id, quantization, r!));
                }
            }

            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("status", "success");
                    w.WriteString("model", m.ModelName.ToString());
                    w.WriteString("digest", m.MainFile?.Digest);
                    w.WriteNumber("size", m.TotalSize);
                    w.WriteString("type", m.Lineage.Type);
                    w.WriteString("parent", m.Lineage.ParentName);
                    w.WriteString("parent_digest", m.Lineage.ParentDigest);
                    if (source is not null) w.WriteNumber("parent_size", source.SizeBytes);
                    if (evaluated is not null)
                    {
                        w.WriteStartArray("eval");
                        foreach (var (id, _, r) in evaluated)
                            EvaluationOutput.Write(w, id, r);
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"quantized {m.Lineage.ParentName} → {m.ModelName} ({m.Lineage.Type}, "
                    + (source is null ? "" : $"{CliOutput.Size(source.SizeBytes)} → ") + $"{CliOutput.Size(m.TotalSize)}, {elapsed.TotalSeconds:0.0} s)");
                if (evaluated is not null)
                    EvaluationOutput.Table(evaluated);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static IReadOnlyList<QuantizationType> Types() => Engines.LlamaCpp.Quantization.LlamaQuantizationTypes.All;

    private static async Task<StoreResult> RunAsync(IModelQuantizer quantizer, QuantizeRequest request, bool json, CancellationToken ct)
    {
        if (json || Console.IsOutputRedirected)
        {
            var lines = new SynchronousProgress<QuantizeProgress>(p =>
            {
                if (json)
                    CliOutput.JsonLine(w => QuantizeProgressJson.Write(w, p));
                else if (p.Status != "quantizing" || p.Completed == p.Total)
                    Console.Error.WriteLine(p.Total is { } t ? $"{p.Status} {p.Completed}/{t} tensors" : p.Status);
            });
            return await quantizer.QuantizeAsync(request, lines, ct);
        }
        StoreResult quantized = default;
        await AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progressContext =>
            {
                var task = progressContext.AddTask(Markup.Escape($"{request.Model} → {request.Type.ToUpperInvariant()}"), maxValue: 1);
                var progress = new SynchronousProgress<QuantizeProgress>(p =>
                {
                    if (p.Total is > 0)
                        task.MaxValue = p.Total.Value;
                    task.Value = p.Completed;
                    task.Description = Markup.Escape($"{request.Model} → {request.Type.ToUpperInvariant()}: {p.Status}");
                });
                quantized = await quantizer.QuantizeAsync(request, progress, ct);
                if (quantized.Success)
                    task.Value = task.MaxValue;
                task.StopTask();
            });
        return quantized;
    }
}
