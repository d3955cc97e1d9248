using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// `microai keygen`, `sign` and a pull under a trust policy that requires signatures, as separate
/// processes against a real registry: unsigned, signed by an untrusted key, re-tagged after signing
/// and a tampered signature payload are refused with exit 2 and nothing stored; a good signature pulls.
/// </summary>
public sealed class SignedModelsTests
{
    private static async Task LoginAsync(DockerRegistry registry, string dataDirectory)
    {
        var login = await MicroAICli.RunWithInputAsync(dataDirectory, DockerRegistry.Password + "\n", "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
    }

    private static async Task<string> KeygenAsync(string dataDirectory, string prefix)
    {
        var keygen = await MicroAICli.RunAsync(dataDirectory, "keygen", "--output", prefix, "--json");
        Assert.True(keygen.ExitCode == 0, keygen.ToString());
        return (string)keygen.Json["public_key"]!;
    }

    private static string[] Trusting(DockerRegistry registry, string publicKey) =>
        [$"--MicroAI:Trust:PublicKeys:0={publicKey}", $"--MicroAI:Trust:RequireSignature:0={registry.Host}/fleet/"];

    private static Task<CliResult> PullAsync(string dataDirectory, string reference, string[] trust) =>
        MicroAICli.RunAsync(dataDirectory, ["pull", reference, "--json", .. trust]);

    [Fact]
    public async Task A_required_signature_is_checked_before_anything_is_downloaded()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var publisher = new TempDataDirectory();
        using var box = new TempDataDirectory();
        var keys = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            var trusted = await KeygenAsync(publisher.Path, Path.Combine(keys, "release"));
            var other = await KeygenAsync(publisher.Path, Path.Combine(keys, "other"));
            Assert.True((await MicroAICli.RunAsync(publisher.Path, "import", StoriesFile.Path)).ExitCode == 0);
            await LoginAsync(registry, publisher.Path);
            await LoginAsync(registry, box.Path);
            var reference = $"{registry.Host}/fleet/stories:v1";
            var push = await MicroAICli.RunAsync(publisher.Path, "push", "stories260k", reference, "--json");
            Assert.True(push.ExitCode == 0, push.ToString());
            var digest = (string)push.JsonLines[^1]["digest"]!;

            // Unsigned: refused, nothing stored.
            var unsigned = await PullAsync(box.Path, reference, Trusting(registry, trusted));
            Assert.True(unsigned.ExitCode == 2, unsigned.ToString());
            Assert.True(unsigned.ToString().Contains("no signature", StringComparison.OrdinalIgnoreCase), unsigned.ToString());
            OciPushPullTests.AssertNothingStored(box.Path);

            // Signed by a key the box does not trust: refused.
            var signedByOther = await MicroAICli.RunAsync(publisher.Path, "sign", reference, "--key", other.Replace(".pub", ".key"), "--json");
            Assert.True(signedByOther.ExitCode == 0, signedByOther.ToString());
            Assert.Equal(digest, (string)signedByOther.Json["digest"]!);
            Assert.Equal("sha256-" + digest["sha256:".Length..] + ".sig", (string)signedByOther.Json["signature_tag"]!);
            var untrusted = await PullAsync(box.Path, reference, Trusting(registry, trusted));
            Assert.True(untrusted.ExitCode == 2, untrusted.ToString());
            OciPushPullTests.AssertNothingStored(box.Path);

            // Signed by the trusted key too (appended to the first signature): pulled, and served the same.
            var signed = await MicroAICli.RunAsync(publisher.Path, "sign", reference, "--key", trusted.Replace(".pub", ".key"));
            Assert.True(signed.ExitCode == 0, signed.ToString());
            var layers = await SignatureLayersAsync(registry, digest);
            Assert.Equal(2, layers.Count);
            var pulled = await PullAsync(box.Path, reference, Trusting(registry, trusted));
            Assert.True(pulled.ExitCode == 0, pulled.ToString());

            // Without a policy for that repository nothing is checked; a repository the policy covers but whose tag
            // moved to an unsigned manifest is refused (the signature is for the old digest).
            Assert.True((await MicroAICli.RunAsync(publisher.Path, "import", TestPaths.TinyRandomLlama, "--name", "tiny")).ExitCode == 0);
            Assert.True((await MicroAICli.RunAsync(publisher.Path, "push", "tiny", reference)).ExitCode == 0);
            using var box2 = new TempDataDirectory();
            await LoginAsync(registry, box2.Path);
            var moved = await PullAsync(box2.Path, reference, Trusting(registry, trusted));
            Assert.True(moved.ExitCode == 2, moved.ToString());
            OciPushPullTests.AssertNothingStored(box2.Path);
            var unrestricted = await MicroAICli.RunAsync(box2.Path, "pull", reference, "--json", $"--MicroAI:Trust:PublicKeys:0={trusted}", $"--MicroAI:Trust:RequireSignature:0={registry.Host}/elsewhere/");
            Assert.True(unrestricted.ExitCode == 0, unrestricted.ToString());
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    [Fact]
    public async Task A_tampered_signature_payload_is_refused()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var publisher = new TempDataDirectory();
        using var box = new TempDataDirectory();
        var keys = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            var trusted = await KeygenAsync(publisher.Path, Path.Combine(keys, "release"));
            Assert.True((await MicroAICli.RunAsync(publisher.Path, "import", StoriesFile.Path)).ExitCode == 0);
            await LoginAsync(registry, publisher.Path);
            await LoginAsync(registry, box.Path);
            var reference = $"{registry.Host}/fleet/stories:v1";
            var push = await MicroAICli.RunAsync(publisher.Path, "push", "stories260k", reference, "--json");
            var digest = (string)push.JsonLines[^1]["digest"]!;
            Assert.True((await MicroAICli.RunAsync(publisher.Path, "sign", reference, "--key", trusted.Replace(".pub", ".key"))).ExitCode == 0);

            // Rewrite the payload blob in the registry's storage to name another digest.
            var payloadDigest = (string)(await SignatureLayersAsync(registry, digest))[0]!["digest"]!;
            var file = registry.BlobFile(payloadDigest);
            var text = await File.ReadAllTextAsync(file);
            await File.WriteAllTextAsync(file, text.Replace(digest, "sha256:" + new string('0', 64), StringComparison.Ordinal));

            var tampered = await PullAsync(box.Path, reference, Trusting(registry, trusted));
            Assert.True(tampered.ExitCode == 2, tampered.ToString());
            OciPushPullTests.AssertNothingStored(box.Path);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }

    private static async Task<JsonArray> SignatureLayersAsync(DockerRegistry registry, string digest)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/fleet/stories/manifests/sha256-{digest["sha256:".Length..]}.sig");
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var response = await registry.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["layers"]!.AsArray();
    }
}
