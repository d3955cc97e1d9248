namespace MicroAI.ModelRegistry.Sources;

/// <summary>
/// Where <c>hf://</c> sources resolve and which token they send. The environment variables are the
/// ones huggingface_hub reads, so a machine set up for the Python tools works unchanged.
/// </summary>
public sealed record HuggingFaceOptions(string Endpoint = HuggingFaceOptions.DefaultEndpoint, string? Token = null)
{
    public const string DefaultEndpoint = "https://huggingface.co";

    public static HuggingFaceOptions FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>HF_ENDPOINT overrides the endpoint (mirrors, tests); HF_TOKEN wins over the older HUGGING_FACE_HUB_TOKEN.</summary>
    public static HuggingFaceOptions FromEnvironment(Func<string, string?> getVariable)
    {
        var endpoint = getVariable("HF_ENDPOINT");
        var token = getVariable("HF_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
            token = getVariable("HUGGING_FACE_HUB_TOKEN");
        return new HuggingFaceOptions(
            string.IsNullOrWhiteSpace(endpoint) ? DefaultEndpoint : endpoint.Trim(),
            string.IsNullOrWhiteSpace(token) ? null : token.Trim());
    }
}
