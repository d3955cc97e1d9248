using MicroAI.Server.Generation;

namespace MicroAI.Server.OpenAI;

/// <summary>A failed run in OpenAI's error shape (the same for every OpenAI route).</summary>
internal static class RunFailureErrors
{
    public static ApiError ToApiError(this RunFailure failure) =>
        failure.Api ?? (failure.Error is { } error ? error.ToApiError() : failure.Lookup!.Value.ToApiError());
}
