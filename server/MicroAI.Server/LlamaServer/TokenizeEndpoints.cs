using System.Text.Unicode;
using System.Text;
using MicroAI.Runtime.Models;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.OpenAI;

namespace MicroAI.Server.LlamaServer;

/// <summary>
/// POST /tokenize and /detokenize, in llama-server's shapes: <c>{"content", "add_special",
/// "with_pieces"}</c> → <c>{"tokens": [ids] or [{"id", "piece"}]}</c>, and <c>{"tokens"}</c> → <c>{"content"}</c>.
/// </summary>
internal static class TokenizeEndpoints
{
    public static void MapTokenize(this IEndpointRouteBuilder app)
    {
        app.MapPost("/tokenize", TokenizeAsync).WithName("Tokenize").WithTags("MicroAI")
            .WithMetadata(new RequestBodyDocumentation(typeof(TokenizeRequest))).Produces(StatusCodes.Status200OK, contentType: "application/json");
        app.MapPost("/detokenize", DetokenizeAsync).WithName("Detokenize").WithTags("MicroAI")
            .WithMetadata(new RequestBodyDocumentation(typeof(DetokenizeRequest))).Produces(StatusCodes.Status200OK, contentType: "application/json");
    }

    private static async Task TokenizeAsync(HttpContext http, IModelHost host, Microsoft.Extensions.Options.IOptions<RequestLimits> limits)
    {
        var (r, error) = await JsonBody.ReadAsync(http.Request, OpenAIJsonContext.Default.TokenizeRequest);
        if (error is null)
        {
            if (r!.Content is null)
                error = ApiError.Missing("content");
            else if (limits.Value.Text(r.Content, "content") is { } tooLong)
                error = tooLong;
            else
                error = await WithModelAsync(http, host, r.Model, r.KeepAlive, model =>
                {
                    var tokens = model.Model.Tokenize(r.Content, r.AddSpecial ?? false, r.ParseSpecial ?? true);
                    return JsonOutput.WriteResponseAsync(http, w =>
                    {
                        w.WriteStartObject();
                        w.WriteStartArray("tokens");
                        foreach (var t in tokens)
                        {
                            if (r.WithPieces != true)
                            {
                                w.WriteNumberValue(t);
                                continue;
                            }
                            var bytes = model.Model.TokenBytes(t);
                            w.WriteStartObject();
                            w.WriteNumber("id", t);
                            // A piece that is not whole UTF-8 goes out as its bytes, as llama-server does.
                            if (Utf8.IsValid(bytes))
                            {
                                w.WriteString("piece", Encoding.UTF8.GetString(bytes));
                            }
                            else
                            {
                                w.WriteStartArray("piece");
                                foreach (var b in bytes)
                                    w.WriteNumberValue(b);
                                w.WriteEndArray();
                            }
                            w.WriteEndObject();
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    });
                });
        }
        if (error is not null)
            await error.WriteResponseAsync(http.Response);
    }

    private static async Task DetokenizeAsync(HttpContext http, IModelHost host, Microsoft.Extensions.Options.IOptions<RequestLimits> limits)
    {
        var (r, error) = await JsonBody.ReadAsync(http.Request, OpenAIJsonContext.Default.DetokenizeRequest);
        if (error is null)
        {
            if (r!.Tokens is null)
                error = ApiError.Missing("tokens");
            else if (limits.Value.TokenIds(r.Tokens.Count, "tokens") is { } tooMany)
                error = tooMany;
            else
                error = await WithModelAsync(http, host, r.Model, r.KeepAlive, model =>
                {
                    var vocab = model.Info.VocabularySize;
                    var bad = r.Tokens.FindIndex(t => t < 0 || t >= vocab);
                    if (bad >= 0)
                        return ApiError.BadRequest($"Token {r.Tokens[bad]} at index {bad} is outside the vocabulary (0..{vocab - 1}).", "tokens").WriteResponseAsync(http.Response);
                    var bytes = new List<byte>();
                    foreach (var t in r.Tokens)
                        bytes.AddRange(model.Model.TokenBytes(t));
                    var content = Encoding.UTF8.GetString(bytes.ToArray());
                    return JsonOutput.WriteResponseAsync(http, w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("content", content);
                        w.WriteEndObject();
                    });
                });
        }
        if (error is not null)
            await error.WriteResponseAsync(http.Response);
    }

    private static async Task<ApiError?> WithModelAsync(HttpContext http, IModelHost host, string? model, System.Text.Json.JsonElement? keepAliveValue, Func<LoadedTextModel, Task> respond)
    {
        if (SamplingRules.MapKeepAlive(keepAliveValue, out var keepAlive) is { } keepAliveError)
            return keepAliveError;
        var lookup = await host.GetTextModelAsync(model, keepAlive, http.RequestAborted);
        if (lookup.Model is not { } loaded)
            return lookup.ToApiError();
        using (lookup.Lease)
            await respond(loaded);
        return null;
    }
}
