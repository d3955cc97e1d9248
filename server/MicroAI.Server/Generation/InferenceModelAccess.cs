using System.Text.Json;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.ModelRegistry;
using MicroAI.Server.Generation;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.Generation;

/// <summary>
/// Resolves the model of a whole-request endpoint (embeddings, classifications, moderations,
/// rerank) with its lease, and maps engine errors to OpenAI errors.
/// </summary>
internal static class InferenceModelAccess
{
    /// <summary>The model with a lease the caller disposes, or the error to answer with.</summary>
    public static async Task<(T? Model, LoadedInferenceModel? Loaded, ModelLease Lease, ApiError? Error)> AcquireAsync<T>(
        IModelHost host, string? model, ModelCapability capability, JsonElement? keepAliveValue, CancellationToken cancellationToken)
        where T : class, IInferenceModel
    {
        if (SamplingRules.MapKeepAlive(keepAliveValue, out var keepAlive) is { } keepAliveError)
            return (null, null, default, keepAliveError);
        var lookup = await host.GetInferenceModelAsync(model, capability, keepAlive, cancellationToken);
        if (lookup.Model is null)
            return (null, null, default, lookup.ToApiError());
        if (lookup.Model.Model is not T typed)
        {
            lookup.Lease.Dispose();
            return (null, null, default, ApiError.Server($"The engine loaded '{lookup.Model.Entry.Id}' for {capability} but it does not implement it.", "engine_failure"));
        }
        return (typed, lookup.Model, lookup.Lease, null);
    }
}
