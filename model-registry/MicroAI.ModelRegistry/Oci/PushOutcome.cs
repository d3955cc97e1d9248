using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>A push's result, or an error meant for the user.</summary>
public readonly record struct PushOutcome(PushResult? Result, StoreErrorKind Kind, string? Error)
{
    public bool Success => Kind == StoreErrorKind.None;
}
