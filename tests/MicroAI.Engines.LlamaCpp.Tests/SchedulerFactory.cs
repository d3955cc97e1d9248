using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroAI.Engines.LlamaCpp.Tests;

/// <summary>Creates the production <see cref="BatchingScheduler"/> over a real llama.cpp decoder.</summary>
internal static class SchedulerFactory
{
    public static ModelScheduler Create(ITextModel model, IBatchDecoder decoder) =>
        new(model, new BatchingScheduler(model, decoder, new SchedulerOptions(), NullLogger.Instance));

    public static ModelScheduler Create(ITextModel model, int slots, int batchSize = 64) =>
        Create(model, model.CreateDecoder(new DecoderOptions(slots, 256, batchSize, Threads: 1)));
}

/// <summary>A scheduler with the model whose prompts it is given (prepared as the server prepares them).</summary>
internal sealed class ModelScheduler(ITextModel model, IGenerationScheduler scheduler) : IAsyncDisposable
{
    public SchedulerStats Stats => scheduler.Stats;

    public SubmitResult Submit(GenerateRequest request, CancellationToken cancellationToken) =>
        PromptPreparation.Submit(model, scheduler, request, cancellationToken);

    public ValueTask DisposeAsync() => scheduler.DisposeAsync();
}
