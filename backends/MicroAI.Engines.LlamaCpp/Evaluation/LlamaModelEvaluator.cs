using MicroAI.Engines.Abstractions;
using MicroAI.Engines.Evaluation;
using MicroAI.Engines.LlamaCpp.Native;
using MicroAI.ModelRegistry;
using MicroAI.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroAI.Engines.LlamaCpp.Evaluation;

/// <summary>
/// Perplexity, speed and memory of a GGUF model, on a thread of its own: the model is loaded with
/// the engine's placement settings (MicroAI:GpuLayers, threads), scored chunk by chunk with
/// <see cref="PerplexityCalculator"/>, and freed.
/// </summary>
public sealed class LlamaModelEvaluator(IOptions<EngineOptions> options, ILoggerFactory loggerFactory) : IModelEvaluator
{
    /// <summary>llama-perplexity's default context.</summary>
    public const int DefaultContextSize = 512;

    public Task<EvaluationResult> EvaluateAsync(EvaluationRequest request, IProgress<PerplexityProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        LlamaRuntime.EnsureInitialised(options.Value.NativeDirectory, loggerFactory);
        var done = new TaskCompletionSource<EvaluationResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(Evaluate(request, progress, cancellationToken));
            }
            catch (OperationCanceledException e)
            {
                done.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        { IsBackground = true, Name = "llama-eval" };
        thread.Start();
        return done.Task;
    }

    private EvaluationResult Evaluate(EvaluationRequest request, IProgress<PerplexityProgress>? progress, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(request.ModelPath);
        var before = ResidentMemory.Bytes();
        var entry = new ModelEntry(Path.GetFileNameWithoutExtension(path), path, ModelFormat.Gguf, new FileInfo(path).Length, DateTimeOffset.UtcNow, "eval", new ModelSettings());
        using var model = LlamaModel.Load(entry, new ModelLoadSettings(options.Value.GpuLayers, null), loggerFactory.CreateLogger("MicroAI.Eval"));
        var trained = model.Info.TrainingContextLength;
        var contextSize = request.ContextSize ?? (trained > 0 ? Math.Min(DefaultContextSize, trained) : DefaultContextSize);
        if (contextSize < 4)
            throw new ArgumentException($"A context of {contextSize} tokens is too small to score (at least 4).");
        var tokens = model.Tokenize(request.Text, addSpecial: true, parseSpecial: false);
        if (tokens.Length < 2 * contextSize)
            throw new ArgumentException($"The text is {tokens.Length} tokens for this model; a context of {contextSize} needs at least {2 * contextSize} (two chunks). Use a longer text or a smaller --ctx.");
        var bos = LlamaNative.llama_vocab_get_add_bos(model.Vocab) ? LlamaNative.llama_vocab_bos(model.Vocab) : (int?)null;
        var threads = request.Threads is > 0 ? request.Threads.Value : options.Value.ResolveThreads();

        using var chunks = new LlamaChunkLogits(model, contextSize, threads);
        var perplexity = PerplexityCalculator.Compute(chunks, tokens, contextSize, bos, progress, cancellationToken);
        var promptSpeed = perplexity.TokensDecoded(contextSize) / Math.Max(chunks.DecodeTime.TotalSeconds, 1e-9);
        double? generation = request.GenerateTokens > 0 ? chunks.GenerationSpeed(request.GenerateTokens, bos ?? tokens[0]) : null;
        var after = ResidentMemory.Bytes();
        return new EvaluationResult(perplexity, contextSize, promptSpeed, generation,
            before is { } b && after is { } a ? Math.Max(0, a - b) : null, entry.SizeBytes);
    }
}

/// <summary>The process's resident set (VmRSS of /proc/self/status); null where there is no /proc.</summary>
internal static class ResidentMemory
{
    public static long? Bytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
