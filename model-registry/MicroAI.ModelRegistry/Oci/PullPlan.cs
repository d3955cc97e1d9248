using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// What an artifact holds, read from its manifest (and config): the files to produce, and either
/// the model's full metadata (MicroAI's layout) or only the defaults the layout carries, the rest
/// then read from the GGUF file itself once it is here.
/// </summary>
internal sealed record PullPlan(string Layout, IReadOnlyList<PlannedFile> Files, MicroAIModelConfig? Config, ModelDefaults Defaults);
