using MicroAI.ModelRegistry.Sources;

namespace MicroAI.ModelRegistry.Tests.Sources;

public sealed class ServerHeadersTests
{
    private const string Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"; // sha256("test")
    private const string Base64 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";

    [Theory]
    [InlineData("\"" + Hex + "\"", "sha256:" + Hex)]
    [InlineData("W/\"" + Hex + "\"", "sha256:" + Hex)]
    [InlineData(Hex, "sha256:" + Hex)]
    [InlineData("\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"", "sha256:" + Hex)]
    [InlineData("\"a94a8fe5ccb19ba61c4c0873d391e987982fbbd3\"", null)] // git blob sha1 (a non-LFS file on the hub)
    [InlineData("\"5f3c-61a2b4c8\"", null)] // nginx mtime-size
    [InlineData("\"zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"", null)]
    public void Etags_of_64_hex_characters_are_sha256(string etag, string? expected) =>
        Assert.Equal(expected, ServerHeaders.FromEtag(etag));

    [Theory]
    [InlineData("sha-256=" + Base64, "sha256:" + Hex)]
    [InlineData("md5=CY9rzUYh03PK3k6DJie09g==, SHA-256=" + Base64, "sha256:" + Hex)]
    [InlineData("sha-256=:" + Base64 + ":", "sha256:" + Hex)]
    [InlineData("md5=CY9rzUYh03PK3k6DJie09g==", null)]
    [InlineData("sha-256=not-base64", null)]
    [InlineData("sha-256=CY9rzUYh03PK3k6DJie09g==", null)] // 16 bytes
    public void Digest_headers_give_a_sha256(string header, string? expected) =>
        Assert.Equal(expected, ServerHeaders.FromDigestHeader(header));
}
