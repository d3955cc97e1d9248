namespace MicroAI.ModelRegistry.Oci;

/// <summary>A registry operation that failed, with a message meant for the user.</summary>
internal sealed class OciException(string message, OciFailure failure) : Exception(message)
{
    public OciFailure Failure { get; } = failure;
}
