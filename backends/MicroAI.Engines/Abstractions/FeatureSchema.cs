namespace MicroAI.Engines.Abstractions;

/// <summary>What a feature column holds: any number (NaN stands for a missing value), a whole number, or text (a category).</summary>
public enum FeatureType
{
    Number,
    Integer,
    Text,
}

/// <summary>
/// One column of a tabular model's input. <see cref="Name"/> is null when neither the model nor a features.json
/// names it. <see cref="Minimum"/> and <see cref="Maximum"/> bound an integer column (its element type's range).
/// </summary>
public sealed record FeatureColumn(string? Name, FeatureType Type)
{
    public double Minimum { get; init; } = long.MinValue;

    /// <summary>Exclusive upper bound: 2^63 for int64 (the double nearest long.MaxValue is 2^63 itself).</summary>
    public double Maximum { get; init; } = 9223372036854775808.0;
}

/// <summary>
/// The columns a tabular model reads, in order: a request's "features" array lists values in this order,
/// its "values" object names them (only when every column has a name).
/// </summary>
public sealed class FeatureSchema
{
    private readonly Dictionary<string, int>? _byName;

    public FeatureSchema(IReadOnlyList<FeatureColumn> columns)
    {
        Columns = columns;
        if (columns.All(c => c.Name is not null))
            _byName = columns.Select((c, i) => (c.Name!, i)).ToDictionary(p => p.Item1, p => p.i, StringComparer.Ordinal);
    }

    public IReadOnlyList<FeatureColumn> Columns { get; }

    /// <summary>True when every column has a distinct name, so rows can be sent as named values.</summary>
    public bool Named => _byName is not null;

    /// <summary>The column called <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => _byName is not null && _byName.TryGetValue(name, out var i) ? i : -1;
}

/// <summary>One value of a feature row: a number (NaN = missing) or, for <see cref="FeatureType.Text"/> columns, text.</summary>
public readonly record struct FeatureValue(double Number, string? Text)
{
    public static FeatureValue Missing => new(double.NaN, null);

    public static FeatureValue Of(double number) => new(number, null);

    public static FeatureValue Of(string text) => new(double.NaN, text);
}
