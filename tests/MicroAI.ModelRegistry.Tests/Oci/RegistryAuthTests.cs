using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using MicroAI.ModelRegistry.Oci;

namespace MicroAI.ModelRegistry.Tests.Oci;

/// <summary>
/// Docker's auth flows against an in-test registry (an HttpMessageHandler; nothing leaves the
/// process): 401 with a Bearer challenge → token from the realm (Basic credentials when there are
/// any) → the request again with the token; Basic challenges; the registry's error body.
/// </summary>
public sealed class RegistryAuthTests : IDisposable
{
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""");
    private readonly string _dir = Directory.CreateTempSubdirectory("microai-ociauth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private OciClient Client(FakeRegistry registry, RegistryCredential? credential = null) =>
        new(new HttpClient(registry), new OciSettings { Logins = new DockerConfigFile(Path.Combine(_dir, "none.json")) }, "reg.test", credential);

    [Fact]
    public async Task Bearer_FetchesATokenWithTheCredential_OncePerScope()
    {
        var registry = new FakeRegistry { Mode = "bearer", User = "alice", Password = "pw" };
        var client = Client(registry, new RegistryCredential("alice", "pw"));

        var (bytes, mediaType, digest) = await client.GetManifestAsync("team/m", "v1", CancellationToken.None);
        await client.GetManifestAsync("team/m", "v1", CancellationToken.None);

        Assert.Equal(Manifest, bytes);
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", mediaType);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Manifest)), digest);
        var token = Assert.Single(registry.TokenRequests);
        Assert.Contains("service=reg.test", token.Query, StringComparison.Ordinal);
        Assert.Contains("scope=" + Uri.EscapeDataString("repository:team/m:pull"), token.Query, StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:pw")), token.Authorization);
        Assert.Equal(3, registry.RegistryRequests); // challenged once, then two with the token
    }

    [Fact]
    public async Task Bearer_Anonymous_TakesAnOAuthAccessToken()
    {
        var registry = new FakeRegistry { Mode = "bearer", AccessTokenField = true };
        var (bytes, _, _) = await Client(registry).GetManifestAsync("m", "v1", CancellationToken.None);
        Assert.Equal(Manifest, bytes);
        Assert.Null(Assert.Single(registry.TokenRequests).Authorization);
    }

    [Fact]
    public async Task Bearer_RefusedCredentials_SayWhoseAndWhat()
    {
        var registry = new FakeRegistry { Mode = "bearer", User = "alice", Password = "pw" };
        var e = await Assert.ThrowsAsync<OciException>(() => Client(registry, new RegistryCredential("alice", "wrong")).GetManifestAsync("m", "v1", CancellationToken.None));
        Assert.Equal(OciFailure.Unauthorized, e.Failure);
        Assert.Contains("refused the credentials of 'alice'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_SendsTheCredentialWhenChallenged_AndNamesLoginWithoutOne()
    {
        var registry = new FakeRegistry { Mode = "basic", User = "alice", Password = "pw" };
        var (bytes, _, _) = await Client(registry, new RegistryCredential("alice", "pw")).GetManifestAsync("m", "v1", CancellationToken.None);
        Assert.Equal(Manifest, bytes);
        Assert.Empty(registry.TokenRequests);

        var e = await Assert.ThrowsAsync<OciException>(() => Client(new FakeRegistry { Mode = "basic", User = "alice", Password = "pw" }).GetManifestAsync("m", "v1", CancellationToken.None));
        Assert.Equal(OciFailure.Unauthorized, e.Failure);
        Assert.Contains("microai login reg.test", e.Message, StringComparison.Ordinal);
        Assert.Contains("UNAUTHORIZED", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRegistrysErrorBody_IsSurfaced()
    {
        var e = await Assert.ThrowsAsync<OciException>(() => Client(new FakeRegistry()).GetManifestAsync("m", "missing", CancellationToken.None));
        Assert.Equal(OciFailure.NotFound, e.Failure);
        Assert.Contains("404", e.Message, StringComparison.Ordinal);
        Assert.Contains("MANIFEST_UNKNOWN: manifest unknown", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManifestAskedForByDigest_MustHaveThatDigest()
    {
        var wrong = "sha256:" + new string('a', 64);
        var e = await Assert.ThrowsAsync<OciException>(() => Client(new FakeRegistry { AnyReference = true }).GetManifestAsync("m", wrong, CancellationToken.None));
        Assert.Equal(OciFailure.Invalid, e.Failure);
    }

    private sealed class FakeRegistry : HttpMessageHandler
    {
        public string Mode { get; init; } = "anonymous";
        public string? User { get; init; }
        public string? Password { get; init; }
        public bool AccessTokenField { get; init; }
        public bool AnyReference { get; init; }
        public List<(string Query, string? Authorization)> TokenRequests { get; } = [];
        public int RegistryRequests { get; private set; }
        private int _issued;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri!;
            var auth = request.Headers.Authorization?.ToString();
            if (uri.Host == "auth.test")
            {
                TokenRequests.Add((Uri.UnescapeDataString(uri.Query) + " " + uri.Query, auth));
                if (User is not null && auth != Basic(User, Password!))
                    return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized));
                var token = "tok-" + ++_issued;
                var body = AccessTokenField ? $$"""{"access_token":"{{token}}","expires_in":300}""" : $$"""{"token":"{{token}}"}""";
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });
            }
            Assert.Equal("https://reg.test/", uri.GetLeftPart(UriPartial.Authority) + "/");
            RegistryRequests++;
            var authorized = Mode switch
            {
                "bearer" => auth is not null && auth.StartsWith("Bearer tok-", StringComparison.Ordinal),
                "basic" => auth == Basic(User!, Password!),
                _ => true,
            };
            if (!authorized)
            {
                var denied = Json(HttpStatusCode.Unauthorized, """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""");
                denied.Headers.WwwAuthenticate.Add(Mode == "bearer"
                    ? new AuthenticationHeaderValue("Bearer", $"realm=\"https://auth.test/token\",service=\"reg.test\",scope=\"repository:{Repository(uri)}:pull\"")
                    : new AuthenticationHeaderValue("Basic", "realm=\"basic-realm\""));
                return Task.FromResult(denied);
            }
            if (uri.AbsolutePath.EndsWith("/manifests/v1", StringComparison.Ordinal) || AnyReference)
            {
                var ok = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Manifest) };
                ok.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
                return Task.FromResult(ok);
            }
            return Task.FromResult(Json(HttpStatusCode.NotFound, """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"""));
        }

        private static string Repository(Uri uri) => uri.AbsolutePath["/v2/".Length..uri.AbsolutePath.IndexOf("/manifests/", StringComparison.Ordinal)];

        private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

        private static HttpResponseMessage Json(HttpStatusCode status, string body) =>
            new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
