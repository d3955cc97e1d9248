namespace MicroAI.Server.OpenAI.Moderations;

/// <summary>
/// MicroAI:Moderation — which text classifier answers /v1/moderations and how its labels map to
/// moderation categories. Example: <c>{"Model": "toxic-bert", "Categories": {"toxic": "harassment",
/// "threat": "violence", "identity_hate": "hate"}}</c>. A label not in the map is not a category.
/// </summary>
public sealed class ModerationOptions
{
    /// <summary>The model used when a request names none.</summary>
    public string? Model { get; set; }

    /// <summary>Classifier label → moderation category (OpenAI's names such as "hate", "violence", or your own).</summary>
    public Dictionary<string, string> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A category is flagged when its score reaches this.</summary>
    public float Threshold { get; set; } = 0.5f;

    /// <summary>Per-category thresholds, overriding <see cref="Threshold"/>.</summary>
    public Dictionary<string, float> Thresholds { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
