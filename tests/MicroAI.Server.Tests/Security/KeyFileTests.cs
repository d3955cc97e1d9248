using System.Net;
using MicroAI.Server.Security;

namespace MicroAI.Server.Tests.Security;

/// <summary>The key file changes under a running server: new keys count, revocation closes, a broken file fails closed.</summary>
public sealed class KeyFileTests
{
    private static async Task<HttpStatusCode> ModelsStatus(ServerFixture server, string? key)
    {
        using var request = KeyedServerFixture.Request(HttpMethod.Get, "/v1/models", key);
        using var response = await server.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task AnOpenServer_BecomesKeyedWithItsFirstKey_AndStaysClosedWhenTheLastIsRevoked()
    {
        var server = new ServerFixture();
        await server.InitializeAsync();
        try
        {
            Assert.Equal(HttpStatusCode.OK, await ModelsStatus(server, null)); // no keys anywhere: open (loopback)

            var path = ApiKeyFile.DefaultPath(server.DataDirectory);
            var secret = ApiKeyHash.NewKey();
            var key = new ApiKey("key_test", "test", ApiKeyHash.Digest(secret), [ApiScopes.Inference], DateTimeOffset.UtcNow, secret[..8]);
            ApiKeyFile.Write(path, [key]);
            Assert.Equal(HttpStatusCode.Unauthorized, await ModelsStatus(server, null));
            Assert.Equal(HttpStatusCode.OK, await ModelsStatus(server, secret));

            // A malformed file keeps the keys the server had: the key still works, keyless still fails.
            await File.WriteAllTextAsync(path, "{ this is not json");
            Assert.Equal(HttpStatusCode.OK, await ModelsStatus(server, secret));
            Assert.Equal(HttpStatusCode.Unauthorized, await ModelsStatus(server, null));

            ApiKeyFile.Write(path, []);
            Assert.Equal(HttpStatusCode.Unauthorized, await ModelsStatus(server, secret));
            Assert.Equal(HttpStatusCode.Unauthorized, await ModelsStatus(server, null));

            // Even deleting the file does not reopen a server that had keys.
            File.Delete(path);
            Assert.Equal(HttpStatusCode.Unauthorized, await ModelsStatus(server, null));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public void KeyFile_RoundTrips_AndIsPrivateToItsOwner()
    {
        var folder = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            var path = Path.Combine(folder, "keys.json");
            var secret = ApiKeyHash.NewKey();
            var key = new ApiKey("key_1", "laptop", ApiKeyHash.Digest(secret), [ApiScopes.Admin], DateTimeOffset.UnixEpoch, "mai_abcd", 10, 1000);
            ApiKeyFile.Write(path, [key]);
            var read = Assert.Single(ApiKeyFile.Read(path));
            Assert.Equal(key.Id, read.Id);
            Assert.Equal(key.Digest, read.Digest);
            Assert.Equal(key.Scopes, read.Scopes);
            Assert.Equal(10, read.RequestsPerMinute);
            Assert.Equal(1000, read.TokensPerMinute);
            Assert.DoesNotContain(secret, File.ReadAllText(path));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("sha256:" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", true)]
    [InlineData("sha256:0011", false)]
    [InlineData("md5:00112233445566778899aabbccddeeff", false)]
    [InlineData("mai_plaintextkeyinsteadofahash", false)]
    [InlineData("sha256:zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", false)]
    public void Hash_MustBeSha256Hex(string hash, bool valid) => Assert.Equal(valid, ApiKeyHash.IsValid(hash));

    [Fact]
    public void NewKeys_AreDistinct_AndCarryThePrefix()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => ApiKeyHash.NewKey()).ToHashSet();
        Assert.Equal(100, keys.Count);
        Assert.All(keys, k => Assert.Matches("^mai_[A-Za-z0-9_-]{43}$", k));
    }
}
