namespace MicroAI.ModelRegistry.Onnx;

/// <summary>What a server can offer with a model (<see cref="OnnxModelDescription.Capabilities"/>).</summary>
public static class OnnxCapabilities
{
    public const string Embeddings = "embeddings";
    public const string Classification = "classification";
    public const string Rerank = "rerank";
}
