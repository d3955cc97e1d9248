namespace MicroAI.ModelRegistry.Onnx;

/// <summary>The tasks <see cref="OnnxModelFolder"/> recognises (<see cref="OnnxModelDescription.Task"/>).</summary>
public static class OnnxTasks
{
    public const string TextClassification = "text-classification";
    public const string Embeddings = "embeddings";
    public const string Rerank = "rerank";
    public const string ImageClassification = "image-classification";
    public const string ByteClassification = "byte-classification";
    public const string Tabular = "tabular";
    public const string Unknown = "unknown";
}
