using System.Net;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests;

/// <summary>
/// A pull's failure kind must come from what failed, not from words that happen to be in the URL.
/// ModelStore.Classify (model-registry/MicroAI.ModelRegistry/Store/ModelStore.Sources.cs) searches the
/// whole error text, which starts with the download URL, for "404" / "not found" before "digest":
/// a digest mismatch on a URL that contains "404" (a path, a file name, or a random port such as
/// :40412) is reported as "not found" (HTTP 404, CLI exit 3) instead of invalid (400, exit 2).
/// </summary>
public sealed class PullErrorClassificationTests(RegistryApiFixture fixture) : IClassFixture<RegistryApiFixture>
{
    [Fact]
    public async Task DigestMismatch_OnAUrlContaining404_IsStill400()
    {
        var body = new JsonObject
        {
            ["source"] = fixture.Files.Url("/mirror-404/" + ModelFileServer.FileName),
            ["name"] = "classified",
            ["digest"] = StoriesFile.ZeroDigest,
            ["stream"] = false,
        };
        var (response, _, text) = await fixture.Server.Http.PostJsonAsync("api/registry/pull", body);

        var error = ErrorResponseTests.AssertError(response, text, HttpStatusCode.BadRequest, null);
        Assert.Contains("mismatch", (string?)error["message"], StringComparison.OrdinalIgnoreCase);
    }
}
