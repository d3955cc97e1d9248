using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MicroAI.Server.Tests.Security;

public sealed class CorsServerFixture : KeyedServerFixture
{
    public const string Allowed = "http://localhost:3000";
    protected override IEnumerable<string> MoreArguments => ["--MicroAI:Security:CorsOrigins:0=" + Allowed];
}

public sealed class CorsTests(CorsServerFixture server) : IClassFixture<CorsServerFixture>
{
    private async Task<HttpResponseMessage> Preflight(string origin)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/chat/completions");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return await server.Http.SendAsync(preflight);
    }

    [Fact]
    public async Task AnAllowedOrigin_PassesThePreflightWithoutAKey_AndTheRealRequestStillNeedsOne()
    {
        using var preflight = await Preflight(CorsServerFixture.Allowed);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(CorsServerFixture.Allowed, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var keyless = KeyedServerFixture.Request(HttpMethod.Get, "/v1/models", null);
        keyless.Headers.Add("Origin", CorsServerFixture.Allowed);
        using var refused = await server.Http.SendAsync(keyless);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var keyed = KeyedServerFixture.Request(HttpMethod.Get, "/v1/models", KeyedServerFixture.InferenceKey);
        keyed.Headers.Add("Origin", CorsServerFixture.Allowed);
        using var ok = await server.Http.SendAsync(keyed);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(CorsServerFixture.Allowed, ok.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task AnotherOrigin_GetsNoCorsHeaders()
    {
        using var preflight = await Preflight("http://evil.example");
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

/// <summary>The server on HTTPS only, with a certificate configured the ASP.NET Core way (Kestrel:Endpoints).</summary>
public sealed class HttpsServerFixture : ServerFixture
{
    private readonly string _folder = Directory.CreateTempSubdirectory("microai-tls-").FullName;

    public HttpsServerFixture()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Thumbprint = certificate.Thumbprint;
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, rsa.ExportPkcs8PrivateKeyPem());
    }

    public string Thumbprint { get; }
    private string CertificatePath => Path.Combine(_folder, "server.crt");
    private string KeyPath => Path.Combine(_folder, "server.key");

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Kestrel:Endpoints:Https:Url=https://127.0.0.1:0",
        "--Kestrel:Endpoints:Https:Certificate:Path=" + CertificatePath,
        "--Kestrel:Endpoints:Https:Certificate:KeyPath=" + KeyPath,
    ];

    /// <summary>Trusts exactly this fixture's certificate (pinned by thumbprint), nothing else.</summary>
    protected override HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && new X509Certificate2(cert).Thumbprint == Thumbprint },
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class HttpsTests(HttpsServerFixture server) : IClassFixture<HttpsServerFixture>
{
    [Fact]
    public async Task ServesOverTls_WithStrictTransportSecurity()
    {
        Assert.Equal("https", server.BaseUri.Scheme);
        using var response = await server.Http.PostAsync("v1/completions",
            new StringContent("""{"model":"stories260K","prompt":"Once upon a time","max_tokens":5,"temperature":0}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("max-age=", response.Headers.GetValues("Strict-Transport-Security").Single());
    }
}
