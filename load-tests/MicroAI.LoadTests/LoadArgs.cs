using System.Globalization;

namespace MicroAI.LoadTests;

/// <summary>
/// The <c>--name value</c> options of a load run, checked against the names it knows, and the one or
/// two servers it runs against: <c>--url</c>/<c>--label</c> (microai) and, side by side,
/// <c>--compare-url</c>/<c>--compare-label</c> (llama-server). <c>--url</c> and <c>--model</c> are required.
/// </summary>
internal sealed class LoadArgs
{
    private static readonly string[] s_common = ["--url", "--model", "--label", "--compare-url", "--compare-label", "--seed"];
    private readonly Dictionary<string, string> _values;

    private LoadArgs(Dictionary<string, string> values, string url, string model)
    {
        _values = values;
        Model = model;
        Targets = [(Text("--label") ?? "microai", new Uri(url.TrimEnd('/') + "/"))];
        if (Text("--compare-url") is { } compare)
            Targets.Add((Text("--compare-label") ?? "llama-server", new Uri(compare.TrimEnd('/') + "/")));
    }

    public string Model { get; }

    /// <summary>The server under test first, then the one it is compared with (if any).</summary>
    public List<(string Label, Uri Uri)> Targets { get; }

    /// <summary>Null when a name is unknown, a value is missing, or --url/--model is absent or not a URL.</summary>
    public static LoadArgs? Parse(ReadOnlySpan<string> args, params string[] known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Length % 2 != 0)
            return null;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!s_common.Contains(args[i]) && !known.Contains(args[i]))
                return null;
            values[args[i]] = args[i + 1];
        }
        if (!values.TryGetValue("--url", out var url) || !values.TryGetValue("--model", out var model)
            || !Uri.TryCreate(url, UriKind.Absolute, out _)
            || values.TryGetValue("--compare-url", out var compare) && !Uri.TryCreate(compare, UriKind.Absolute, out _))
            return null;
        return new LoadArgs(values, url, model);
    }

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
