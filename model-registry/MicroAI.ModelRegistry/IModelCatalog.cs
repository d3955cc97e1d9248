namespace MicroAI.ModelRegistry;

/// <summary>Resolves model names to files. The full registry (pull, manifests, digests) builds on this.</summary>
public interface IModelCatalog
{
    /// <summary>The id of the default model, if one is configured and found.</summary>
    string? DefaultModelId { get; }

    IReadOnlyList<ModelEntry> List();

    /// <summary>Finds a model by id (case-insensitive); null when unknown.</summary>
    ModelEntry? Find(string id);

    /// <summary>The registry store (shared with the CLI) that management operations act on.</summary>
    Store.ModelStore Store { get; }

    /// <summary>Problems found while reading the configuration, to print at start.</summary>
    IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Why the model's stored files must not be served (a blob no longer matches its digest), or null.
    /// Asked before every use of a model, so it is a stat per file unless a file is new or changed.
    /// </summary>
    string? CheckFiles(ModelEntry entry) => null;
}
