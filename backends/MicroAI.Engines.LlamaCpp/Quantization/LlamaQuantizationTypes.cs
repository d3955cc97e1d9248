using MicroAI.Engines.LlamaCpp.Native;
using MicroAI.Engines.Quantization;

namespace MicroAI.Engines.LlamaCpp.Quantization;

/// <summary>
/// Every llama_ftype the pinned release's llama_model_quantize produces, under the names its
/// tools/quantize accepts. Bits per weight come from ggml's block layouts (Q8_0: 34 bytes per 32
/// weights = 8.5). IQ1_*, IQ2_*, IQ3_XXS and Q2_K_S quantize their matrices to types that
/// llama.cpp refuses to make without an importance matrix ("the result will be garbage"); MicroAI
/// computes none, so those are listed but refused before any work.
/// </summary>
public static class LlamaQuantizationTypes
{
    public static IReadOnlyList<QuantizationType> All { get; } =
    [
        new("F32", (int)LlamaFtype.AllF32, 32, 1, "32-bit floats, no quantization"),
        new("F16", (int)LlamaFtype.MostlyF16, 16, 1, "16-bit floats"),
        new("BF16", (int)LlamaFtype.MostlyBF16, 16, 1, "bfloat16"),
        new("Q8_0", (int)LlamaFtype.MostlyQ8_0, 8.5, 32, "8-bit, nearly lossless"),
        new("Q6_K", (int)LlamaFtype.MostlyQ6_K, 6.5625, 256, "6-bit K-quant"),
        new("Q5_1", (int)LlamaFtype.MostlyQ5_1, 6, 32, "5-bit with minimum"),
        new("Q5_K_M", (int)LlamaFtype.MostlyQ5_K_M, 5.5, 256, "5-bit K-quant mix, some layers Q6_K"),
        new("Q5_K_S", (int)LlamaFtype.MostlyQ5_K_S, 5.5, 256, "5-bit K-quant"),
        new("Q5_0", (int)LlamaFtype.MostlyQ5_0, 5.5, 32, "5-bit"),
        new("Q4_1", (int)LlamaFtype.MostlyQ4_1, 5, 32, "4-bit with minimum"),
        new("Q4_K_M", (int)LlamaFtype.MostlyQ4_K_M, 4.5, 256, "4-bit K-quant mix, some layers Q6_K: the usual choice"),
        new("Q4_K_S", (int)LlamaFtype.MostlyQ4_K_S, 4.5, 256, "4-bit K-quant"),
        new("Q4_0", (int)LlamaFtype.MostlyQ4_0, 4.5, 32, "4-bit"),
        new("IQ4_NL", (int)LlamaFtype.MostlyIQ4_NL, 4.5, 32, "4-bit non-linear"),
        new("MXFP4_MOE", (int)LlamaFtype.MostlyMXFP4_MOE, 4.25, 32, "MXFP4 for mixture-of-experts tensors"),
        new("IQ4_XS", (int)LlamaFtype.MostlyIQ4_XS, 4.25, 256, "4-bit non-linear, super-blocks"),
        new("Q3_K_L", (int)LlamaFtype.MostlyQ3_K_L, 3.4375, 256, "3-bit K-quant mix, attention at Q5_K"),
        new("Q3_K_M", (int)LlamaFtype.MostlyQ3_K_M, 3.4375, 256, "3-bit K-quant mix, attention at Q4_K"),
        new("Q3_K_S", (int)LlamaFtype.MostlyQ3_K_S, 3.4375, 256, "3-bit K-quant"),
        new("IQ3_M", (int)LlamaFtype.MostlyIQ3_M, 3.4375, 256, "3-bit i-quant mix"),
        new("IQ3_S", (int)LlamaFtype.MostlyIQ3_S, 3.4375, 256, "3-bit i-quant"),
        new("IQ3_XS", (int)LlamaFtype.MostlyIQ3_XS, 3.3, 256, "3-bit i-quant, smaller"),
        new("Q2_K", (int)LlamaFtype.MostlyQ2_K, 2.625, 256, "2-bit K-quant mix"),
        new("Q2_0", (int)LlamaFtype.MostlyQ2_0, 2.25, 64, "2-bit"),
        new("TQ2_0", (int)LlamaFtype.MostlyTQ2_0, 2.0625, 256, "ternary, for ternary-trained models"),
        new("TQ1_0", (int)LlamaFtype.MostlyTQ1_0, 1.6875, 256, "ternary, for ternary-trained models"),
        new("Q1_0", (int)LlamaFtype.MostlyQ1_0, 1.125, 128, "1-bit"),
        new("IQ3_XXS", (int)LlamaFtype.MostlyIQ3_XXS, 3.0625, 256, "3-bit i-quant", NeedsImportanceMatrix: true),
        new("Q2_K_S", (int)LlamaFtype.MostlyQ2_K_S, 2.625, 256, "2-bit K-quant", NeedsImportanceMatrix: true),
        new("IQ2_M", (int)LlamaFtype.MostlyIQ2_M, 2.5625, 256, "2-bit i-quant mix", NeedsImportanceMatrix: true),
        new("IQ2_S", (int)LlamaFtype.MostlyIQ2_S, 2.3125, 256, "2-bit i-quant", NeedsImportanceMatrix: true),
        new("IQ2_XS", (int)LlamaFtype.MostlyIQ2_XS, 2.3125, 256, "2-bit i-quant", NeedsImportanceMatrix: true),
        new("IQ2_XXS", (int)LlamaFtype.MostlyIQ2_XXS, 2.0625, 256, "2-bit i-quant", NeedsImportanceMatrix: true),
        new("IQ1_M", (int)LlamaFtype.MostlyIQ1_M, 1.75, 256, "1-bit i-quant", NeedsImportanceMatrix: true),
        new("IQ1_S", (int)LlamaFtype.MostlyIQ1_S, 1.5625, 256, "1-bit i-quant", NeedsImportanceMatrix: true),
    ];

    public static QuantizationType? Find(string name) =>
        All.FirstOrDefault(t => t.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
        // tools/quantize's aliases: the K-quants without a size letter are the _M mixes.
        ?? (name.Trim().ToUpperInvariant() is "Q3_K" or "Q4_K" or "Q5_K" ? Find(name.Trim() + "_M") : null);
}
