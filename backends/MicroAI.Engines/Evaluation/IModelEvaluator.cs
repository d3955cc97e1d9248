namespace MicroAI.Engines.Evaluation;

/// <summary>
/// Measures what a model costs and how well it predicts a text: perplexity (llama.cpp's
/// definition, see <see cref="PerplexityCalculator"/>), throughput and resident memory. Loads the
/// model on its own, outside the model host, and frees it before returning; one call at a time
/// per process gives meaningful memory figures.
/// </summary>
public interface IModelEvaluator
{
    Task<EvaluationResult> EvaluateAsync(EvaluationRequest request, IProgress<PerplexityProgress>? progress, CancellationToken cancellationToken);
}

/// <param name="ModelPath">The GGUF file.</param>
/// <param name="Text">The text to score; it must give at least two chunks of <paramref name="ContextSize"/> tokens.</param>
/// <param name="ContextSize">Tokens per chunk; null: 512 or the model's training context if smaller (llama-perplexity's default).</param>
/// <param name="GenerateTokens">Tokens generated one at a time after scoring, for the single-stream decode speed; 0 skips it.</param>
public sealed record EvaluationRequest(string ModelPath, string Text, int? ContextSize = null, int? Threads = null, int GenerateTokens = 64);

public readonly record struct PerplexityProgress(int ChunksDone, int Chunks, double RunningPerplexity);

/// <param name="PromptTokensPerSecond">Tokens decoded per second while scoring (batches of a whole chunk).</param>
/// <param name="GenerationTokensPerSecond">Single-stream decode speed, one token per decode.</param>
/// <param name="ResidentBytes">The process's resident memory added by loading the model and its context (VmRSS after minus before).</param>
public sealed record EvaluationResult(
    PerplexityResult Perplexity,
    int ContextSize,
    double PromptTokensPerSecond,
    double? GenerationTokensPerSecond,
    long? ResidentBytes,
    long FileBytes);
