namespace MicroAI.ModelRegistry;

/// <summary>
/// Something a model can serve. The set is closed (the constructor is private): a capability is
/// one of these five or it is not one, so a misspelt name fails where it is parsed, not as a model
/// that silently serves nothing. <see cref="Name"/> is the wire string of registry manifests,
/// /v1/models metadata, /api/ps and the metrics' labels, which stay as they were.
/// </summary>
public readonly record struct ModelCapability
{
    /// <summary>Generating text (completions, chat, Responses); the only capability a model's generation scheduler serves.</summary>
    public static readonly ModelCapability Completion = new("completion");
    /// <summary>A completion model with a chat template of its own.</summary>
    public static readonly ModelCapability Chat = new("chat");
    public static readonly ModelCapability Embeddings = new("embeddings");
    public static readonly ModelCapability Classification = new("classification");
    public static readonly ModelCapability Rerank = new("rerank");

    public static IReadOnlyList<ModelCapability> All { get; } = [Completion, Chat, Embeddings, Classification, Rerank];

    private ModelCapability(string name) => Name = name;

    public string Name { get; }

    /// <summary>Whole-request capabilities are served by an inference model, not a generation scheduler.</summary>
    public bool IsGeneration => this == Completion || this == Chat;

    public static bool TryParse(string? name, out ModelCapability capability)
    {
        foreach (var known in All)
        {
            if (string.Equals(known.Name, name, StringComparison.Ordinal))
            {
                capability = known;
                return true;
            }
        }
        capability = default;
        return false;
    }

    public override string ToString() => Name;

    public static implicit operator string(ModelCapability capability) => capability.Name;
}
