namespace MicroAI.ModelRegistry.Oci;

/// <summary>The distribution spec's error body: <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
internal sealed record OciErrorResponse(IReadOnlyList<OciErrorEntry>? Errors);

internal sealed record OciErrorEntry(string? Code, string? Message);
