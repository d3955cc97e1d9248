using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Scheduling;
using MicroAI.ModelRegistry;

namespace MicroAI.Runtime.Models;

/// <summary>A resident text model: its info and the scheduler that owns its context.</summary>
public sealed class LoadedTextModel(ModelEntry entry, ITextModel model, IGenerationScheduler scheduler, DecoderOptions decoder, TimeProvider? time = null)
    : LoadedModel(entry, time)
{
    public TextModelInfo Info => Model.Info;
    public ITextModel Model { get; } = model;
    public IGenerationScheduler Scheduler { get; } = scheduler;
    public DecoderOptions Decoder { get; } = decoder;

    /// <summary>Prepares the request's prompt on the caller's thread and queues it with the scheduler (see <see cref="PromptPreparation"/>).</summary>
    public SubmitResult Submit(GenerateRequest request, CancellationToken cancellationToken) =>
        PromptPreparation.Submit(Model, Scheduler, request, cancellationToken);

    public override ModelCapability Capability => ModelCapability.Completion;
    public override long SizeBytes => (long)Info.SizeBytes;

    internal override async ValueTask DisposeModelAsync()
    {
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        Model.Dispose();
    }
}
