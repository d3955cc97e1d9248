using System.Globalization;

namespace MicroAI.ModelRegistry.Gguf;

/// <summary>
/// One metadata value: a scalar (boxed as the matching CLR type), a string, or an array. An array
/// longer than <see cref="GgufReadOptions.MaxStoredArrayElements"/> keeps only its element type and
/// length (<see cref="ArrayElements"/> is null).
/// </summary>
public sealed class GgufValue
{
    private GgufValue(GgufValueType type, object? scalar, GgufValueType? elementType, long length, IReadOnlyList<GgufValue>? elements)
    {
        Type = type;
        Scalar = scalar;
        ArrayElementType = elementType;
        ArrayLength = length;
        ArrayElements = elements;
    }

    public GgufValueType Type { get; }

    /// <summary>
    /// The value of a scalar or string as byte, sbyte, ushort, short, uint, int, float, bool, string,
    /// ulong, long or double (matching <see cref="Type"/>); null for an array.
    /// </summary>
    public object? Scalar { get; }

    public bool IsArray => Type == GgufValueType.Array;

    /// <summary>The type of every element of an array; null for a scalar.</summary>
    public GgufValueType? ArrayElementType { get; }

    /// <summary>The number of elements of an array as the file states it; 0 for a scalar.</summary>
    public long ArrayLength { get; }

    /// <summary>The elements of an array, or null when it was too long to store (or this is a scalar).</summary>
    public IReadOnlyList<GgufValue>? ArrayElements { get; }

    public string? AsString() => Scalar as string;

    /// <summary>Any integer type that is not negative.</summary>
    public bool TryGetUInt64(out ulong value)
    {
        switch (Scalar)
        {
            case byte v: value = v; return true;
            case ushort v: value = v; return true;
            case uint v: value = v; return true;
            case ulong v: value = v; return true;
            case sbyte v when v >= 0: value = (ulong)v; return true;
            case short v when v >= 0: value = (ulong)v; return true;
            case int v when v >= 0: value = (ulong)v; return true;
            case long v when v >= 0: value = (ulong)v; return true;
            default: value = 0; return false;
        }
    }

    /// <summary>Any integer type whose value fits in a long.</summary>
    public bool TryGetInt64(out long value)
    {
        switch (Scalar)
        {
            case sbyte v: value = v; return true;
            case short v: value = v; return true;
            case int v: value = v; return true;
            case long v: value = v; return true;
            case byte v: value = v; return true;
            case ushort v: value = v; return true;
            case uint v: value = v; return true;
            case ulong v when v <= long.MaxValue: value = (long)v; return true;
            default: value = 0; return false;
        }
    }

    /// <summary>A float or double, or any integer converted to double.</summary>
    public bool TryGetDouble(out double value)
    {
        switch (Scalar)
        {
            case float v: value = v; return true;
            case double v: value = v; return true;
            default:
                if (TryGetInt64(out var l)) { value = l; return true; }
                if (TryGetUInt64(out var u)) { value = u; return true; }
                value = 0;
                return false;
        }
    }

    public bool TryGetBoolean(out bool value)
    {
        if (Scalar is bool b)
        {
            value = b;
            return true;
        }

        value = false;
        return false;
    }

    public static GgufValue FromUInt8(byte value) => new(GgufValueType.UInt8, value, null, 0, null);
    public static GgufValue FromInt8(sbyte value) => new(GgufValueType.Int8, value, null, 0, null);
    public static GgufValue FromUInt16(ushort value) => new(GgufValueType.UInt16, value, null, 0, null);
    public static GgufValue FromInt16(short value) => new(GgufValueType.Int16, value, null, 0, null);
    public static GgufValue FromUInt32(uint value) => new(GgufValueType.UInt32, value, null, 0, null);
    public static GgufValue FromInt32(int value) => new(GgufValueType.Int32, value, null, 0, null);
    public static GgufValue FromFloat32(float value) => new(GgufValueType.Float32, value, null, 0, null);
    public static GgufValue FromBool(bool value) => value ? s_true : s_false;
    public static GgufValue FromString(string value) => new(GgufValueType.String, value ?? throw new ArgumentNullException(nameof(value)), null, 0, null);
    public static GgufValue FromUInt64(ulong value) => new(GgufValueType.UInt64, value, null, 0, null);
    public static GgufValue FromInt64(long value) => new(GgufValueType.Int64, value, null, 0, null);
    public static GgufValue FromFloat64(double value) => new(GgufValueType.Float64, value, null, 0, null);

    /// <summary>An array whose elements are all of <paramref name="elementType"/> (arrays may nest).</summary>
    public static GgufValue FromArray(GgufValueType elementType, IEnumerable<GgufValue> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        if (!Enum.IsDefined(elementType))
            throw new ArgumentOutOfRangeException(nameof(elementType), elementType, "Not a GGUF value type.");
        var list = elements.ToArray();
        foreach (var e in list)
        {
            if (e is null || e.Type != elementType)
                throw new ArgumentException($"Every element must be a {elementType}; found {e?.Type.ToString() ?? "null"}.", nameof(elements));
        }

        return new GgufValue(GgufValueType.Array, null, elementType, list.Length, list);
    }

    /// <summary>An array read from a file; the reader has already checked the element types.</summary>
    internal static GgufValue StoredArray(GgufValueType elementType, GgufValue[] elements) =>
        new(GgufValueType.Array, null, elementType, elements.Length, elements);

    /// <summary>An array read from a file but not stored: only what it holds and how many.</summary>
    internal static GgufValue SkippedArray(GgufValueType elementType, long length) =>
        new(GgufValueType.Array, null, elementType, length, null);

    private static readonly GgufValue s_true = new(GgufValueType.Bool, true, null, 0, null);
    private static readonly GgufValue s_false = new(GgufValueType.Bool, false, null, 0, null);

    public override string ToString()
    {
        if (IsArray)
        {
            var head = $"{ArrayElementType}[{ArrayLength}]";
            if (ArrayElements is null)
                return head + " (not stored)";
            const int shown = 8;
            var items = string.Join(", ", ArrayElements.Take(shown).Select(e => e.ToString()));
            return $"{head} [{items}{(ArrayElements.Count > shown ? ", …" : "")}]";
        }

        return Scalar switch
        {
            string s => "\"" + (s.Length > 80 ? s[..80] + "…" : s) + "\"",
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => Scalar?.ToString() ?? "",
        };
    }
}
