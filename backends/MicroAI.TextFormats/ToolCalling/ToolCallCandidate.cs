namespace MicroAI.TextFormats.ToolCalling;

/// <summary>A call read from the text but not yet accepted (name check, id assignment).</summary>
internal readonly record struct ToolCallCandidate(string Name, string ArgumentsJson, string? Id = null);
