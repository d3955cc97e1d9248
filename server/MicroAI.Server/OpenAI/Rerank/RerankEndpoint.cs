using MicroAI.ModelRegistry;
using MicroAI.Engines.Abstractions;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.OpenAI.Rerank;

/// <summary>
/// POST /v1/rerank (also /rerank, /v1/reranking and /reranking, as llama-server answers): scores
/// documents against a query with a cross-encoder (ONNX) or a rank-pooling GGUF.
/// relevance_score is the sigmoid of the model's logit — sentence-transformers' CrossEncoder
/// default for one-logit models — so scores are in [0, 1] and comparable across requests.
/// </summary>
internal static class RerankEndpoint
{
    public static readonly ModelCapability Capability = ModelCapability.Rerank;

    public static void MapRerank(this IEndpointRouteBuilder app)
    {
        foreach (var path in (string[])["/v1/rerank", "/rerank", "/v1/reranking", "/reranking"])
        {
            var route = app.MapPost(path, HandleAsync)
                .WithTags("MicroAI")
                .WithMetadata(new RequestBodyDocumentation(typeof(RerankRequest)))
                .Produces(StatusCodes.Status200OK, contentType: "application/json")
                .Produces(StatusCodes.Status400BadRequest)
                .Produces(StatusCodes.Status404NotFound);
            if (path == "/v1/rerank")
                route.WithName("CreateRerank").WithSummary("Rank documents by relevance to a query (Jina/Cohere shape)");
            else
                route.ExcludeFromDescription();
        }
    }

    private static Task HandleAsync(HttpContext http, IModelHost host, Microsoft.Extensions.Options.IOptions<RequestLimits> limits) =>
        JsonBody.HandleAsync(http, OpenAIJsonContext.Default.RerankRequest, r => RespondAsync(http, r, host, limits.Value));

    private static async Task<ApiError?> RespondAsync(HttpContext http, RerankRequest r, IModelHost host, RequestLimits limits)
    {
        if (r.Query is null)
            return ApiError.Missing("query");
        if (r.Query.Length == 0)
            return ApiError.BadRequest("'query' is empty.", "query");
        if (r.Documents is null)
            return ApiError.Missing("documents");
        var documents = r.Documents.Texts;
        if (documents.Count == 0)
            return ApiError.BadRequest("'documents' must not be an empty array.", "documents");
        if ((limits.Inputs(documents.Count, "documents") ?? limits.Text(r.Query, "query")) is { } overLimit)
            return overLimit;
        for (var i = 0; i < documents.Count; i++)
        {
            if (limits.Text(documents[i], $"documents[{i}]") is { } tooLong)
                return tooLong;
        }
        if (r.TopN is < 1)
            return ApiError.BadRequest($"Invalid 'top_n': {r.TopN}. It must be at least 1.", "top_n");

        var (model, loaded, lease, error) = await InferenceModelAccess.AcquireAsync<IRerankModel>(host, r.Model, Capability, r.KeepAlive, http.RequestAborted);
        if (error is not null)
            return error;
        using (lease)
        {
            var result = await model!.RerankAsync(r.Query, documents, http.RequestAborted);
            if (result.Error is { } failed)
                return failed.ToApiError();
            var batch = result.Value!;
            Security.TokenUsage.Add(http, batch.PromptTokens);
            var ranked = batch.Scores.Select((s, i) => (Index: i, Score: Sigmoid(s)))
                .OrderByDescending(x => x.Score).ThenBy(x => x.Index)
                .Take(r.TopN ?? documents.Count).ToList();
            await JsonOutput.WriteResponseAsync(http, w =>
            {
                w.WriteStartObject();
                w.WriteString("object", "list");
                w.WriteString("model", loaded!.Entry.Id);
                w.WriteStartArray("results");
                foreach (var (index, score) in ranked)
                {
                    w.WriteStartObject();
                    w.WriteNumber("index", index);
                    w.WriteNumber("relevance_score", score);
                    if (r.ReturnDocuments == true)
                    {
                        w.WriteStartObject("document");
                        w.WriteString("text", documents[index]);
                        w.WriteEndObject();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                JsonOutput.WritePromptUsage(w, batch.PromptTokens);
                w.WriteEndObject();
            });
            return null;
        }
    }

    internal static float Sigmoid(float logit) => (float)(1 / (1 + Math.Exp(-(double)logit)));
}
