using System.Net.Http.Headers;
using MicroAI.Server.Security;

namespace MicroAI.Server.Tests.Security;

/// <summary>
/// The server with two keys in configuration (one inference, one admin), so every route but
/// /health needs a key. Keys written to its key file during a test count too.
/// </summary>
public class KeyedServerFixture : ServerFixture
{
    public static readonly string InferenceKey = ApiKeyHash.NewKey();
    public static readonly string AdminKey = ApiKeyHash.NewKey();

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--MicroAI:Security:ApiKeys:0:Name=tests-inference",
        "--MicroAI:Security:ApiKeys:0:Hash=" + ApiKeyHash.Of(InferenceKey),
        "--MicroAI:Security:ApiKeys:0:Scopes:0=inference",
        "--MicroAI:Security:ApiKeys:1:Name=tests-admin",
        "--MicroAI:Security:ApiKeys:1:Hash=" + ApiKeyHash.Of(AdminKey),
        "--MicroAI:Security:ApiKeys:1:Scopes:0=admin",
        .. MoreArguments,
    ];

    protected virtual IEnumerable<string> MoreArguments => [];

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return request;
    }
}

[CollectionDefinition(Name)]
public sealed class KeyedServerCollection : ICollectionFixture<KeyedServerFixture>
{
    public const string Name = "keyed server";
}
