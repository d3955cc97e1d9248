namespace MicroAI.Engines.Abstractions;

/// <param name="Scores">One relevance score per document, in document order.</param>
public sealed record RerankBatch(IReadOnlyList<float> Scores, int PromptTokens);

/// <summary>A cross-encoder: scores how well each document answers the query.</summary>
public interface IRerankModel : IInferenceModel
{
    ValueTask<InferenceResult<RerankBatch>> RerankAsync(string query, IReadOnlyList<string> documents, CancellationToken cancellationToken);
}
