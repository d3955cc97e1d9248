using System.Security.Cryptography;
using System.Text;
using MicroAI.ModelRegistry.Signing;
using static MicroAI.ModelRegistry.Tests.Signing.CosignVectorTests;

namespace MicroAI.ModelRegistry.Tests.Signing;

public sealed class TrustPolicyTests : IDisposable
{
    private static readonly string s_digest = Sha256(Encoding.UTF8.GetBytes("manifest v1"));

    private readonly TempModelsDirectory _dir = new();
    private readonly ECDsa _signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _publicKey;

    public TrustPolicyTests()
    {
        _publicKey = Path.Combine(_dir.Path, "signer.pub");
        File.WriteAllText(_publicKey, _signer.ExportSubjectPublicKeyInfoPem());
    }

    public void Dispose()
    {
        _signer.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("registry.local:5000", "registry.local:5000/models/llama:stable", true)]
    [InlineData("registry.local:5000", "oci://registry.local:5000/llama@sha256:0123", true)]
    [InlineData("registry.local:5000", "registry.local:5001/llama:stable", false)]
    [InlineData("registry.local:5000", "registry.local/llama:stable", false)]
    [InlineData("registry.local:5000", "registry.local:50000/llama:stable", false)]
    [InlineData("registry.local:5000/models/", "registry.local:5000/models/llama:stable", true)]
    [InlineData("registry.local:5000/models/", "registry.local:5000/models/team/llama:v2", true)]
    [InlineData("registry.local:5000/models/", "registry.local:5000/models-evil/llama:stable", false)]
    [InlineData("registry.local:5000/models", "registry.local:5000/models-evil/llama:stable", false)]
    [InlineData("registry.local:5000/models/", "registry.local:5000/other/models/llama:stable", false)]
    [InlineData("registry.local:5000/models/", "REGISTRY.LOCAL:5000/Models/llama:stable", true)]
    [InlineData("oci://registry.local:5000/models/llama", "registry.local:5000/models/llama:stable", true)]
    [InlineData("registry.local:5000/models/llama", "registry.local:5000/models/llama2:stable", false)]
    [InlineData("docker.io", "index.docker.io/ai/smollm2:latest", true)]
    [InlineData("docker.io/library/", "ubuntu:24.04", true)]
    [InlineData("docker.io/ai/", "ai/smollm2", true)]
    [InlineData("*", "localhost:5000/anything:tag", true)]
    public void A_requirement_covers_references_on_path_segment_boundaries(string pattern, string reference, bool required)
    {
        var policy = new TrustPolicy(new TrustOptions { PublicKeys = [_publicKey], RequireSignature = [pattern] });

        Assert.Equal(required, policy.Requires(reference));
    }

    [Fact]
    public async Task Where_nothing_is_required_a_pull_is_allowed_without_looking()
    {
        var policy = new TrustPolicy(new TrustOptions { PublicKeys = [_publicKey], RequireSignature = ["registry.local:5000/models/"] });

        var decision = await policy.EvaluateAsync("registry.local:5000/scratch/x:1", s_digest, null, Blobs(), CancellationToken.None);

        Assert.True(decision.Allowed);
        Assert.Null(decision.Verification);
    }

    [Fact]
    public async Task Where_a_signature_is_required_missing_untrusted_and_valid_signatures_are_decided_with_reasons()
    {
        var policy = new TrustPolicy(new TrustOptions { PublicKeys = [_publicKey], RequireSignature = ["registry.local:5000/models/"] });
        const string reference = "registry.local:5000/models/stories:stable";

        var missing = await policy.EvaluateAsync(reference, s_digest, null, Blobs(), CancellationToken.None);
        Assert.False(missing.Allowed);
        Assert.Contains(CosignSignatures.SignatureTag(s_digest), missing.Reason);
        Assert.Contains("registry.local:5000/models/", missing.Reason);

        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (foreign, foreignBlobs) = Signed(stranger);
        var untrusted = await policy.EvaluateAsync(reference, s_digest, foreign, foreignBlobs, CancellationToken.None);
        Assert.False(untrusted.Allowed);
        Assert.Equal(SignatureStatus.UntrustedKey, untrusted.Verification!.Status);
        Assert.Contains("trusted key", untrusted.Reason);

        var (signed, blobs) = Signed(_signer);
        var valid = await policy.EvaluateAsync(reference, s_digest, signed, blobs, CancellationToken.None);
        Assert.True(valid.Allowed, valid.Reason);
        Assert.Equal(_publicKey, valid.Verification!.Key!.Source);
    }

    [Fact]
    public void Bad_configuration_is_refused_at_start_naming_each_entry()
    {
        var p384Key = Path.Combine(_dir.Path, "p384.pub");
        using (var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384))
            File.WriteAllText(p384Key, p384.ExportSubjectPublicKeyInfoPem());
        var options = new TrustOptions
        {
            PublicKeys = [_publicKey, Path.Combine(_dir.Path, "missing.pub"), p384Key],
            RequireSignature = ["registry.local:5000/models/", "models/", "registry.local:5000/models:stable"],
        };

        var problems = options.Validate().ToList();

        Assert.Equal(4, problems.Count);
        Assert.StartsWith("MicroAI:Trust:PublicKeys:1: Cannot read the public key", problems[0]);
        Assert.Contains("missing.pub", problems[0]);
        Assert.StartsWith("MicroAI:Trust:PublicKeys:2:", problems[1]);
        Assert.Contains("P-256", problems[1]);
        Assert.StartsWith("MicroAI:Trust:RequireSignature:1 'models/'", problems[2]);
        Assert.Contains("registry host", problems[2]);
        Assert.StartsWith("MicroAI:Trust:RequireSignature:2", problems[3]);
        Assert.Contains("tag", problems[3]);
        var thrown = Assert.Throws<InvalidOperationException>(() => new TrustPolicy(options));
        Assert.Contains("missing.pub", thrown.Message);
    }

    [Fact]
    public void Requiring_signatures_with_no_key_is_a_configuration_error_and_an_empty_policy_is_not()
    {
        var problems = new TrustOptions { RequireSignature = ["registry.local:5000"] }.Validate().ToList();
        Assert.Contains("PublicKeys", Assert.Single(problems));

        Assert.Empty(new TrustOptions().Validate());
        Assert.False(new TrustPolicy(new TrustOptions()).Requires("registry.local:5000/models/x:1"));
    }

    private (byte[] Manifest, SignatureBlobFetcher Blobs) Signed(ECDsa key)
    {
        var payload = CosignSignatures.CreatePayload("registry.local:5000/models/stories", s_digest);
        var artifact = CosignSignatures.BuildSignatureManifest([], [(payload, CosignSignatures.Sign(payload, key))], DateTimeOffset.UtcNow);
        return (artifact.Manifest, Blobs((Sha256(payload), payload)));
    }
}
