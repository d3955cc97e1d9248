using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using MicroAI.Server.Hosting;
using Microsoft.AspNetCore.Http;
using MicroAI.Server.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Chat;

namespace MicroAI.Server.Tests.Security;

/// <summary>A keyed server refuses every route but /health without a valid key, and scopes decide the rest.</summary>
[Collection(KeyedServerCollection.Name)]
public sealed class AuthenticationTests(KeyedServerFixture server, Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Every route the server maps (read from its endpoint table, so a route added later is covered too) plus unknown ones.</summary>
    public static IEnumerable<(string Method, string Path)> AllRoutes(IServiceProvider services)
    {
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "/";
            // Fill parameters ({id}, {**name}) with a plausible value.
            var path = "/" + System.Text.RegularExpressions.Regex.Replace(pattern.TrimStart('/'), @"\{[^}]*\}", "some-name");
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
                yield return (method, path);
        }
        yield return ("GET", "/no/such/route");
        yield return ("POST", "/v1/unknown");
        yield return ("GET", "/swagger/v1/swagger.json");
        yield return ("GET", "/swagger/index.html");
        yield return ("GET", "/metrics");
    }

    [Fact]
    public async Task EveryRouteButHealth_RefusesARequestWithoutAKey()
    {
        var checkedRoutes = 0;
        // The page at / and its files are public by design (they hold no data; the page asks for a key): checked below.
        var routes = AllRoutes(server.Services).Distinct().Where(r => r.Path is not ("/health" or "/") && !r.Path.StartsWith("/playground/", StringComparison.Ordinal)).ToList();
        foreach (var (method, path) in routes)
        {
            foreach (var key in new[] { null, "mai_not-a-real-key", "" })
            {
                using var request = KeyedServerFixture.Request(new HttpMethod(method), path, key, method is "POST" or "PUT" ? "{}" : null);
                using var response = await server.Http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                // HEAD has no body; Ollama's routes answer in Ollama's shape (Ollama/OllamaApiTests checks its words).
                if (method == "HEAD")
                    Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                else if (ErrorShapes.Of(new PathString(path)) == ErrorShape.Ollama)
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized && !string.IsNullOrEmpty((string?)JsonNode.Parse(text)!["error"]), $"{method} {path}: {text}");
                else if (Hosting.ErrorShapes.Of(new Microsoft.AspNetCore.Http.PathString(path)) == Hosting.ErrorShape.Anthropic)
                    Anthropic.AnthropicMessagesTests.AssertAnthropicError(401, response.Content.Headers.ContentType?.MediaType, System.Text.Json.Nodes.JsonNode.Parse(text), text, 401, "authentication_error", null);
                else
                    Assert.Contains((string?)ErrorResponseTests.AssertError(response, text, HttpStatusCode.Unauthorized, null)["code"], new[] { "missing_api_key", "invalid_api_key" });
                Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes > 60, $"only {checkedRoutes} route/key combinations were checked");
        output.WriteLine($"{routes.Count} method/route pairs × 3 (no key, wrong key, empty key) = {checkedRoutes} requests, every one 401: " +
            string.Join(", ", routes.Select(r => r.Method + " " + r.Path)));

        using var health = await server.Http.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var page = await server.Http.GetAsync("playground/app.js");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using var root = await server.Http.GetAsync("/");
        Assert.Equal("MicroAI is running\n", await root.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongKey_Is401_AndTheMessageDoesNotEchoTheKey()
    {
        const string wrong = "mai_ThisIsAWrongKeyThatIsLongEnoughToMask1234";
        using var request = KeyedServerFixture.Request(HttpMethod.Get, "/v1/models", wrong);
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        ErrorResponseTests.AssertError(response, text, HttpStatusCode.Unauthorized, null, "invalid_api_key");
        Assert.DoesNotContain(wrong, text);
        Assert.Contains("1234", text); // enough to recognise one's own key
    }

    [Theory]
    [InlineData("Authorization", "Bearer {0}")]
    [InlineData("Authorization", "bearer {0}")]
    [InlineData("x-api-key", "{0}")]
    public async Task BearerAndXApiKey_BothAuthenticate(string header, string format)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.TryAddWithoutValidation(header, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, KeyedServerFixture.InferenceKey));
        using var response = await server.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OfficialClient_WorksWithTheKey_AndGets401WithAWrongOne()
    {
        var good = new OpenAIClient(new ApiKeyCredential(KeyedServerFixture.InferenceKey), new OpenAIClientOptions { Endpoint = new Uri(server.BaseUri, "v1") });
        var completion = await good.GetChatClient(ServerFixture.StoriesModel).CompleteChatAsync(
            [new UserChatMessage("Once upon a time")], new ChatCompletionOptions { MaxOutputTokenCount = 5, Temperature = 0 });
        Assert.NotEmpty(completion.Value.Content[0].Text);

        var bad = new OpenAIClient(new ApiKeyCredential("mai_wrong"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseUri, "v1") });
        var failure = await Assert.ThrowsAsync<ClientResultException>(() =>
            bad.GetChatClient(ServerFixture.StoriesModel).CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 5 }));
        Assert.Equal(401, failure.Status);
    }

    [Theory]
    [InlineData("POST", "/api/registry/pull", """{"source":"http://127.0.0.1:9/x.gguf"}""")]
    [InlineData("POST", "/api/tag", """{"source":"a","target":"b"}""")]
    [InlineData("POST", "/api/quantize", """{"model":"tiny","type":"Q4_0"}""")]
    [InlineData("DELETE", "/api/models/some-model", null)]
    [InlineData("POST", "/api/load", """{"model":"tiny"}""")]
    [InlineData("POST", "/api/unload", """{"model":"tiny"}""")]
    [InlineData("GET", "/metrics", null)]
    public async Task InferenceKey_OnAnAdminRoute_Is403(string method, string path, string? json)
    {
        using var request = KeyedServerFixture.Request(new HttpMethod(method), path, KeyedServerFixture.InferenceKey, json);
        using var response = await server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var error = ErrorResponseTests.AssertError(response, text, HttpStatusCode.Forbidden, null, "insufficient_scope");
        Assert.Equal("permission_error", (string?)error["type"]);
        Assert.Contains("admin", (string?)error["message"]);
    }

    [Fact]
    public async Task AdminKey_ReachesAdminAndInferenceRoutes()
    {
        foreach (var (method, path, json) in new[] { ("GET", "/metrics", (string?)null), ("GET", "/v1/models", null), ("GET", "/api/ps", null) })
        {
            using var request = KeyedServerFixture.Request(new HttpMethod(method), path, KeyedServerFixture.AdminKey, json);
            using var response = await server.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        // A 404 from the endpoint itself proves the request got past the key check.
        using var unload = KeyedServerFixture.Request(HttpMethod.Post, "/api/unload", KeyedServerFixture.AdminKey, """{"model":"not-loaded-model"}""");
        using var unloaded = await server.Http.SendAsync(unload);
        Assert.Equal(HttpStatusCode.NotFound, unloaded.StatusCode);
    }

    [Fact]
    public async Task KeysCreatedAndRevokedWithTheCli_CountWithoutARestart()
    {
        var created = await MicroAICli.RunAsync(server.DataDirectory, "keys", "create", "--scope", "inference", "--name", "cli-made", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var key = (string)created.Json["key"]!;
        var id = (string)created.Json["id"]!;
        Assert.StartsWith(ApiKeyHash.KeyPrefix, key);
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "keys.json")));

        using (var request = KeyedServerFixture.Request(HttpMethod.Get, "/v1/models", key))
        using (var response = await server.Http.SendAsync(request))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var listed = await MicroAICli.RunAsync(server.DataDirectory, "keys", "list", "--json");
        Assert.Contains(listed.Json.AsArray(), k => (string?)k!["id"] == id && (string?)k["name"] == "cli-made");

        var revoked = await MicroAICli.RunAsync(server.DataDirectory, "keys", "revoke", id);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        using (var request = KeyedServerFixture.Request(HttpMethod.Get, "/v1/models", key))
        using (var response = await server.Http.SendAsync(request))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        var audit = await File.ReadAllLinesAsync(Path.Combine(server.DataDirectory, "audit.log"));
        Assert.Contains(audit, l => l.Contains("\"key.create\"") && l.Contains(id));
        Assert.Contains(audit, l => l.Contains("\"key.revoke\"") && l.Contains(id));
    }

    [Fact]
    public async Task AdminActions_AreAudited_WithWhoWhatAndWhen()
    {
        using (var request = KeyedServerFixture.Request(HttpMethod.Post, "/api/load", KeyedServerFixture.AdminKey, """{"model":"tiny","keep_alive":"1m"}"""))
        using (var response = await server.Http.SendAsync(request))
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using (var refused = KeyedServerFixture.Request(HttpMethod.Delete, "/api/models/tiny", KeyedServerFixture.InferenceKey))
        using (var response = await server.Http.SendAsync(refused))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        var lines = (await File.ReadAllLinesAsync(server.Services.GetRequiredService<AuditLog>().Path))
            .Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!).ToList();
        var load = lines.Last(l => (string?)l["action"] == "POST /api/load");
        Assert.Equal("tests-admin (config_1)", (string?)load["actor"]);
        Assert.Equal("tiny", (string?)load["target"]);
        Assert.Equal(200, (int?)load["status"]);
        Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse((string)load["time"]!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromMinutes(5));
        var delete = lines.Last(l => (string?)l["action"] == "DELETE /api/models/tiny");
        Assert.Equal(403, (int?)delete["status"]);
        Assert.Equal("tests-inference (config_0)", (string?)delete["actor"]);
    }

    [Fact]
    public async Task Responses_CarrySecurityHeaders_AndNoServerBanner()
    {
        foreach (var key in new[] { null, KeyedServerFixture.InferenceKey })
        {
            using var request = KeyedServerFixture.Request(HttpMethod.Get, "/v1/models", key);
            using var response = await server.Http.SendAsync(request);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.True(response.Headers.CacheControl?.NoStore);
            Assert.False(response.Headers.Contains("Server"));
        }
    }

    [Fact]
    public async Task StoredResponses_BelongToTheKeyThatMadeThem()
    {
        using var first = KeyedServerFixture.Request(HttpMethod.Post, "/v1/responses", KeyedServerFixture.InferenceKey,
            """{"model":"stories260K","input":"Once upon a time","max_output_tokens":3,"temperature":0}""");
        using var created = await server.Http.SendAsync(first);
        var id = (string?)System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"];
        Assert.StartsWith("resp_", id);

        var followUp = $$"""{"model":"stories260K","input":"and then","previous_response_id":"{{id}}","max_output_tokens":3,"temperature":0}""";
        using (var other = KeyedServerFixture.Request(HttpMethod.Post, "/v1/responses", KeyedServerFixture.AdminKey, followUp))
        using (var refused = await server.Http.SendAsync(other))
        {
            var text = await refused.Content.ReadAsStringAsync();
            ErrorResponseTests.AssertError(refused, text, HttpStatusCode.BadRequest, "previous_response_id", "previous_response_not_found");
        }
        using (var same = KeyedServerFixture.Request(HttpMethod.Post, "/v1/responses", KeyedServerFixture.InferenceKey, followUp))
        using (var continued = await server.Http.SendAsync(same))
            Assert.True(continued.StatusCode == HttpStatusCode.OK, await continued.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cors_IsOffByDefault()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        preflight.Headers.Add("Origin", "http://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await server.Http.SendAsync(preflight);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
