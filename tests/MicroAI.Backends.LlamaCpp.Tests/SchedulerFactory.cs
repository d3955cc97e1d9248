using MicroAI.Backends.Abstractions;
using MicroAI.Backends.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroAI.Backends.LlamaCpp.Tests;

/// <summary>Creates the production <see cref="BatchingScheduler"/> over a real llama.cpp decoder.</summary>
internal static class SchedulerFactory
{
    public static IGenerationScheduler Create(ITextModel model, IBatchDecoder decoder) =>
        new BatchingScheduler(model, decoder, new SchedulerOptions(), NullLogger.Instance);

    public static IGenerationScheduler Create(ITextModel model, int slots, int batchSize = 64) =>
        Create(model, model.CreateDecoder(new DecoderOptions(slots, 256, batchSize, Threads: 1)));
}
