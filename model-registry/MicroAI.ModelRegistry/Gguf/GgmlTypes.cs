namespace MicroAI.ModelRegistry.Gguf;

/// <summary>
/// The ggml tensor types a GGUF may name (ggml.h's enum ggml_type): name, elements per block and bytes
/// per block, so a tensor's size in the file can be checked without native code. Quantized types pack
/// a block of 32 or 256 (super-block) weights with their scales, e.g. Q4_K: 256 weights in 144 bytes.
/// </summary>
internal static class GgmlTypes
{
    internal readonly record struct Layout(string Name, int BlockSize, int TypeSize);

    // Indexed by the ggml type number; null marks a number that was never used or whose support was
    // removed (4–5 Q4_2/Q4_3, 31–33 Q4_0_4_4…, 36–38 IQ4_NL_4_4…): llama.cpp refuses those in a GGUF.
    private static readonly Layout?[] s_layouts =
    [
        new("F32", 1, 4),          // 0
        new("F16", 1, 2),          // 1
        new("Q4_0", 32, 18),       // 2: fp16 scale + 32 × 4 bits
        new("Q4_1", 32, 20),       // 3: fp16 scale and min + 32 × 4 bits
        null,                      // 4: Q4_2, removed
        null,                      // 5: Q4_3, removed
        new("Q5_0", 32, 22),       // 6
        new("Q5_1", 32, 24),       // 7
        new("Q8_0", 32, 34),       // 8: fp16 scale + 32 × 8 bits
        new("Q8_1", 32, 36),       // 9
        new("Q2_K", 256, 84),      // 10
        new("Q3_K", 256, 110),     // 11
        new("Q4_K", 256, 144),     // 12
        new("Q5_K", 256, 176),     // 13
        new("Q6_K", 256, 210),     // 14
        new("Q8_K", 256, 292),     // 15
        new("IQ2_XXS", 256, 66),   // 16
        new("IQ2_XS", 256, 74),    // 17
        new("IQ3_XXS", 256, 98),   // 18
        new("IQ1_S", 256, 50),     // 19
        new("IQ4_NL", 32, 18),     // 20
        new("IQ3_S", 256, 110),    // 21
        new("IQ2_S", 256, 82),     // 22
        new("IQ4_XS", 256, 136),   // 23
        new("I8", 1, 1),           // 24
        new("I16", 1, 2),          // 25
        new("I32", 1, 4),          // 26
        new("I64", 1, 8),          // 27
        new("F64", 1, 8),          // 28
        new("IQ1_M", 256, 56),     // 29
        new("BF16", 1, 2),         // 30
        null,                      // 31: Q4_0_4_4, removed from GGUF files
        null,                      // 32: Q4_0_4_8, removed
        null,                      // 33: Q4_0_8_8, removed
        new("TQ1_0", 256, 54),     // 34
        new("TQ2_0", 256, 66),     // 35
        null,                      // 36: IQ4_NL_4_4, removed
        null,                      // 37: IQ4_NL_4_8, removed
        null,                      // 38: IQ4_NL_8_8, removed
        new("MXFP4", 32, 17),      // 39: E8M0 scale + 32 × 4 bits
        new("NVFP4", 64, 36),      // 40
        new("Q1_0", 128, 18),      // 41
    ];

    /// <summary>A type number this table knows the layout of.</summary>
    public static bool TryGet(int type, out Layout layout)
    {
        if (type >= 0 && type < s_layouts.Length && s_layouts[type] is { } known)
        {
            layout = known;
            return true;
        }

        layout = default;
        return false;
    }

    /// <summary>
    /// A number inside the table's range with no layout: removed or never assigned. Numbers past the
    /// table are not "removed" but newer than this code, and are accepted without a size check.
    /// </summary>
    public static bool IsRemoved(int type) => type >= 0 && type < s_layouts.Length && s_layouts[type] is null;

    public static string Name(int type) => TryGet(type, out var layout) ? layout.Name : $"type {type}";
}
