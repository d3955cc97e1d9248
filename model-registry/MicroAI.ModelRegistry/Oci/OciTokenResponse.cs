using System.Text.Json.Serialization;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>A token endpoint's answer; Docker's token spec names the token "token", OAuth2 "access_token".</summary>
internal sealed record OciTokenResponse(
    string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn);
