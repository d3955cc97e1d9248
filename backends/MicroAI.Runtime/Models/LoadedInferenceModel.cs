using MicroAI.Engines.Abstractions;
using MicroAI.ModelRegistry;

namespace MicroAI.Runtime.Models;

/// <summary>A resident whole-request model (classifier, embedder, reranker).</summary>
public sealed class LoadedInferenceModel(ModelEntry entry, ModelCapability capability, IInferenceModel model, TimeProvider? time = null)
    : LoadedModel(entry, time)
{
    public IInferenceModel Model { get; } = model;

    public override ModelCapability Capability { get; } = capability;
    public override long SizeBytes => Entry.SizeBytes;

    internal override ValueTask DisposeModelAsync()
    {
        Model.Dispose();
        return ValueTask.CompletedTask;
    }
}
