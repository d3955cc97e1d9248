namespace MicroAI.ModelRegistry.Signing;

/// <summary>The "MicroAI:Trust" configuration section: whose signatures count, and where one is required.</summary>
public sealed class TrustOptions
{
    public const string SectionName = "MicroAI:Trust";

    /// <summary>PEM public key files (PKIX "PUBLIC KEY", ECDSA P-256, e.g. cosign.pub); a signature by any of them is accepted.</summary>
    public List<string> PublicKeys { get; set; } = [];

    /// <summary>
    /// Where a pull must carry a trusted signature: a registry ("registry.local:5000"), a repository
    /// or repository prefix ("registry.local:5000/models/"), matched on path-segment boundaries, or
    /// "*" for every registry.
    /// </summary>
    public List<string> RequireSignature { get; set; } = [];

    /// <summary>Every problem, for the server's start-up check: unreadable or unusable keys, patterns that cannot match, requirements with no key.</summary>
    public IEnumerable<string> Validate()
    {
        for (var i = 0; i < PublicKeys.Count; i++)
        {
            string? problem = null;
            if (string.IsNullOrWhiteSpace(PublicKeys[i]))
            {
                problem = "is empty; give the path of a PEM public key file";
            }
            else
            {
                try
                {
                    SigningKeys.ReadPublicKeyFile(PublicKeys[i]);
                }
                catch (SigningKeyException ex)
                {
                    problem = ex.Message;
                }
            }
            if (problem is not null)
                yield return $"MicroAI:Trust:PublicKeys:{i}: {problem}";
        }
        for (var i = 0; i < RequireSignature.Count; i++)
        {
            if (RepositoryPattern.Problem(RequireSignature[i]) is { } problem)
                yield return $"MicroAI:Trust:RequireSignature:{i} '{RequireSignature[i]}': {problem}";
        }
        if (RequireSignature.Count > 0 && PublicKeys.Count == 0)
            yield return "MicroAI:Trust:RequireSignature is set but MicroAI:Trust:PublicKeys names no key, so every such pull would be refused; add the signers' public keys.";
    }
}
