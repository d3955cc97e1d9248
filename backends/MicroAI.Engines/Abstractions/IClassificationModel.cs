namespace MicroAI.Engines.Abstractions;

/// <summary>What a classifier reads: text, raw content bytes (Magika), or an encoded image.</summary>
public enum ClassificationInputKind
{
    Text,
    Bytes,
    Image,
}

/// <summary>One input to classify. Text inputs carry <see cref="Text"/>; bytes and images carry <see cref="Data"/>.</summary>
public sealed record ClassificationInput(ClassificationInputKind Kind, string? Text, ReadOnlyMemory<byte> Data)
{
    public static ClassificationInput FromText(string text) => new(ClassificationInputKind.Text, text, default);
    public static ClassificationInput FromImage(ReadOnlyMemory<byte> encoded) => new(ClassificationInputKind.Image, null, encoded);
    public static ClassificationInput FromBytes(ReadOnlyMemory<byte> content) => new(ClassificationInputKind.Bytes, null, content);
}

public readonly record struct LabelScore(string Label, float Score);

/// <summary>Every label's score for one input, highest first.</summary>
public sealed record ClassificationOutput(IReadOnlyList<LabelScore> Labels);

/// <param name="PromptTokens">Tokens read over all inputs (text models), else 0.</param>
public sealed record ClassificationBatch(IReadOnlyList<ClassificationOutput> Outputs, int PromptTokens);

/// <summary>A classifier: text (tokenizer + model), content bytes, or images.</summary>
public interface IClassificationModel : IInferenceModel
{
    /// <summary>The one kind of input this model reads.</summary>
    ClassificationInputKind InputKind { get; }

    IReadOnlyList<string> Labels { get; }

    /// <summary>Independent (sigmoid) scores per label rather than a softmax over them.</summary>
    bool MultiLabel { get; }

    ValueTask<InferenceResult<ClassificationBatch>> ClassifyAsync(IReadOnlyList<ClassificationInput> inputs, CancellationToken cancellationToken);
}
