using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;

namespace MicroAI.Server.OpenAI.Responses;

/// <summary>POST /v1/responses (OpenAI's Responses API: text input and output, streaming events, previous_response_id).</summary>
internal static class ResponsesEndpoint
{
    public static RouteHandlerBuilder MapResponses(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/responses", HandleAsync)
            .WithName("CreateResponse")
            .WithTags("OpenAI")
            .WithMetadata(new RequestBodyDocumentation(typeof(ResponsesRequest)))
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .Produces(StatusCodes.Status400BadRequest)
            .Produces(StatusCodes.Status404NotFound);

    private static async Task HandleAsync(HttpContext http, GenerationRunner runner, ResponseStore store, Microsoft.Extensions.Options.IOptions<MicroAI.Server.Limits.RequestLimits> limits)
    {
        var (request, error) = await JsonBody.ReadAsync(http.Request, OpenAIJsonContext.Default.ResponsesRequest);
        if (error is null && (error = ResponsesMapper.Map(request!, store, limits.Value, Security.Caller.Of(http).Key?.Id, out var plan, out var response)) is null)
        {
            await runner.RunAsync(http, plan, new ResponsesWriter(response, request!.Stream == true, store.Save));
            return;
        }
        await error!.WriteResponseAsync(http.Response);
    }
}
