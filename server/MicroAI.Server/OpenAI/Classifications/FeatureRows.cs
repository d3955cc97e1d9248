using System.Globalization;
using MicroAI.Engines.Abstractions;

namespace MicroAI.Server.OpenAI.Classifications;

/// <summary>
/// A tabular model's input item → one feature row in the model's column order: "features" by
/// position, "values" by name. Each value is checked against its column (numbers for numeric
/// columns, whole numbers for integer ones, strings for categories; null only where a missing value
/// can be represented, i.e. as NaN in a float column), and every problem is a 400 naming the value.
/// </summary>
internal static class FeatureRows
{
    /// <summary>Names listed in an error before it says "and N more".</summary>
    private const int NamesShown = 10;

    public static (ClassificationInput?, ApiError?) Convert(ClassificationInputItem item, string param, FeatureSchema schema, string model)
    {
        var columns = schema.Columns;
        if (item.Features is { } features)
        {
            if (features.Count != columns.Count)
                return Fail($"'{param}.features' has {features.Count} values; '{model}' reads {columns.Count}{Listing(columns)}.", param);
            var row = new FeatureValue[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                if (Check(features[i], columns[i], $"{param}.features[{i}]", model) is var (value, error) && error is not null)
                    return (null, error);
                row[i] = value;
            }
            return (ClassificationInput.FromFeatures(row), null);
        }

        if (item.Values is { } values)
        {
            if (!schema.Named)
                return Fail($"'{model}' has no names for its {columns.Count} feature columns: send '{param}.features' as an array of {columns.Count} values in the model's order, or put a features.json naming them beside the model.", param);
            var row = new FeatureValue[columns.Count];
            var given = new bool[columns.Count];
            foreach (var (name, sent) in values)
            {
                var index = schema.IndexOf(name);
                if (index < 0)
                    return Fail($"'{param}.values' names '{name}', which '{model}' does not read; its features are{Listing(columns, all: true)}.", $"{param}.values.{name}");
                if (Check(sent, columns[index], $"{param}.values.{name}", model) is var (value, error) && error is not null)
                    return (null, error);
                row[index] = value;
                given[index] = true;
            }
            var missing = columns.Where((_, i) => !given[i]).Select(c => c.Name!).ToList();
            if (missing.Count > 0)
                return Fail($"'{param}.values' lacks {missing.Count} of the features '{model}' reads: {Names(missing)}. Send null for a value that is unknown.", param);
            return (ClassificationInput.FromFeatures(row), null);
        }

        return ClassificationInputs.Wrong(param, model,
            $"scores rows of {columns.Count} features: send {{\"features\": [{columns.Count} values]}}" + (schema.Named ? " or {\"values\": {\"name\": value, …}}" : ""));
    }

    private static (FeatureValue, ApiError?) Check(FeatureInput sent, FeatureColumn column, string param, string model)
    {
        var what = column.Name is null ? "this column" : $"'{column.Name}'";
        switch (column.Type)
        {
            case FeatureType.Number when sent.Number is { } n:
                return (FeatureValue.Of(n), null);
            case FeatureType.Number when sent.IsNull:
                return (FeatureValue.Missing, null); // NaN: tree ensembles route it as their missing-value branch
            case FeatureType.Integer when sent.Number is { } n && n == Math.Floor(n) && n >= column.Minimum && n < column.Maximum:
                return (FeatureValue.Of(n), null);
            case FeatureType.Integer when sent.Number is { } n && n == Math.Floor(n):
                return (default, Error($"'{param}' is {Format(sent)}, outside the range of {what} ({column.Minimum.ToString(CultureInfo.InvariantCulture)} to {(column.Maximum - 1).ToString(CultureInfo.InvariantCulture)}).", param));
            case FeatureType.Integer when sent.Number is not null:
                return (default, Error($"'{param}' is {Format(sent)}; {what} takes whole numbers.", param));
            case FeatureType.Integer when sent.IsNull:
                return (default, Error($"'{param}' is null; {what} is a whole-number column of '{model}', which has no missing value.", param));
            case FeatureType.Text when sent.Text is { } t:
                return (FeatureValue.Of(t), null);
            case FeatureType.Text:
                return (default, Error($"'{param}' is {Format(sent)}; {what} is a category and takes a string.", param));
            default:
                return (default, Error($"'{param}' is {Format(sent)}; {what} takes a number.", param));
        }
    }

    private static string Format(FeatureInput value) =>
        value.Number is { } n ? n.ToString(CultureInfo.InvariantCulture) : value.Text is { } t ? $"the string \"{Truncate(t)}\"" : "null";

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Listing(IReadOnlyList<FeatureColumn> columns, bool all = false) =>
        columns.All(c => c.Name is not null) ? (all ? " " : ": ") + Names(columns.Select(c => c.Name!).ToList()) : "";

    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(NamesShown)) + (names.Count > NamesShown ? $" and {names.Count - NamesShown} more" : "");

    private static (ClassificationInput?, ApiError?) Fail(string message, string param) => (null, Error(message, param));

    private static ApiError Error(string message, string param) => ApiError.BadRequest(message, param, "invalid_features");
}
