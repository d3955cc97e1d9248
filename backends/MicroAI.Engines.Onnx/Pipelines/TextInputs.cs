using MicroAI.Engines.Abstractions;
using MicroAI.Tokenizers;

namespace MicroAI.Engines.Onnx.Pipelines;

/// <summary>
/// The token inputs of a Hugging Face text model (input_ids, attention_mask, and token_type_ids
/// when the graph has it), in the element type the graph declares (int64, or int32 for some exports).
/// </summary>
internal sealed class TextInputs
{
    private readonly OnnxTensorInfo _ids;
    private readonly OnnxTensorInfo? _mask;
    private readonly OnnxTensorInfo? _types;

    private TextInputs(OnnxTensorInfo ids, OnnxTensorInfo? mask, OnnxTensorInfo? types)
    {
        _ids = ids;
        _mask = mask;
        _types = types;
    }

    public bool HasTokenTypes => _types is not null;

    /// <summary>Recognises the graph's text inputs; throws <see cref="ModelLoadException"/> for inputs it cannot fill.</summary>
    public static TextInputs For(OnnxSession session, string modelId)
    {
        OnnxTensorInfo? ids = null, mask = null, types = null;
        foreach (var input in session.Inputs)
        {
            switch (input.Name)
            {
                case "input_ids": ids = input; break;
                case "attention_mask": mask = input; break;
                case "token_type_ids": types = input; break;
                default:
                    throw new ModelLoadException($"'{modelId}' has an input '{input.Name}' that a text pipeline does not know how to fill (it fills input_ids, attention_mask, token_type_ids).");
            }
        }
        if (ids is null)
            throw new ModelLoadException($"'{modelId}' has no 'input_ids' input; it is not a Hugging Face text model export.");
        foreach (var t in (ReadOnlySpan<OnnxTensorInfo?>)[ids, mask, types])
        {
            if (t is not null && t.ElementType is not (OnnxElementType.Int64 or OnnxElementType.Int32))
                throw new ModelLoadException($"'{modelId}': input '{t.Name}' is {t.ElementType}; token inputs must be int64 or int32.");
        }
        return new TextInputs(ids, mask, types);
    }

    public List<OnnxInput> Build(PaddedBatch batch)
    {
        var shape = new long[] { batch.BatchSize, batch.SequenceLength };
        var inputs = new List<OnnxInput>(3) { Tensor(_ids, batch.InputIds, shape) };
        if (_mask is not null)
            inputs.Add(Tensor(_mask, batch.AttentionMask, shape));
        if (_types is not null)
            inputs.Add(Tensor(_types, batch.TypeIds, shape));
        return inputs;
    }

    private static OnnxInput Tensor(OnnxTensorInfo info, long[] values, long[] shape) =>
        info.ElementType == OnnxElementType.Int64
            ? OnnxInput.Int64(info.Name, values, shape)
            : OnnxInput.Int32(info.Name, values.Select(v => (int)v).ToArray(), shape);
}
