using System.Globalization;
using System.Text.Json;

namespace MicroAI.Server.Cli.Chat;

/// <summary>
/// A chat's sampling parameters by Ollama's names (what <c>/set parameter</c> takes in
/// <c>ollama run</c>), each sent as the chat completions field the server reads for it. What is
/// not set is left out, so the model's own defaults apply as they do for any client.
/// </summary>
internal sealed class ChatParameters
{
    private enum Kind { Integer, Number, Strings }

    private sealed record Spec(string Name, string Field, Kind Kind, string Help);

    private static readonly Spec[] s_specs =
    [
        new("seed", "seed", Kind.Integer, "Random number seed"),
        new("num_predict", "max_tokens", Kind.Integer, "Max number of tokens to predict"),
        new("top_k", "top_k", Kind.Integer, "Pick from top k num of tokens"),
        new("top_p", "top_p", Kind.Number, "Pick token based on sum of probabilities"),
        new("min_p", "min_p", Kind.Number, "Pick token based on top token probability * min_p"),
        new("temperature", "temperature", Kind.Number, "Set creativity level"),
        new("repeat_penalty", "repeat_penalty", Kind.Number, "How strongly to penalize repetitions"),
        new("repeat_last_n", "repeat_last_n", Kind.Integer, "Set how far back to look for repetitions"),
        new("presence_penalty", "presence_penalty", Kind.Number, "Penalize tokens already present"),
        new("frequency_penalty", "frequency_penalty", Kind.Number, "Penalize tokens by how often they appeared"),
        new("stop", "stop", Kind.Strings, "Set the stop parameters"),
    ];

    /// <summary>Ollama parameters that are the server's settings here, not a request's.</summary>
    private static readonly Dictionary<string, string> s_serverSettings = new(StringComparer.Ordinal)
    {
        ["num_ctx"] = "MicroAI:ContextSize",
        ["num_gpu"] = "MicroAI:GpuLayers",
        ["num_thread"] = "MicroAI:Threads",
        ["num_batch"] = "MicroAI:BatchSize",
    };

    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    public static IEnumerable<string> Names => s_specs.Select(s => s.Name);

    /// <summary>The lines <c>/set parameter</c> prints, as Ollama lists them.</summary>
    public static IEnumerable<string> HelpLines =>
        s_specs.Select(s => $"  /set parameter {(s.Name + " " + (s.Kind switch { Kind.Integer => "<int>", Kind.Number => "<float>", _ => "<string> <string> ..." })),-42} {s.Help}");

    public bool IsEmpty => _values.Count == 0;

    /// <summary>Sets <paramref name="name"/> from its words; returns why not, or null.</summary>
    public string? Set(string name, IReadOnlyList<string> values)
    {
        var spec = s_specs.FirstOrDefault(s => s.Name == name);
        if (spec is null)
        {
            return s_serverSettings.TryGetValue(name, out var setting)
                ? $"'{name}' is a setting of the server here ({setting}), not of a request."
                : $"Unknown parameter '{name}'. The parameters are: {string.Join(", ", Names)}.";
        }
        if (values.Count == 0)
            return $"'{name}' needs a value.";
        switch (spec.Kind)
        {
            case Kind.Strings:
                _values[name] = values.ToArray();
                return null;
            case Kind.Integer when values.Count == 1 && long.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer):
                // Ollama's num_predict -1 means "no limit": leave it to the server's default.
                if (name == "num_predict" && integer < 0)
                    _values.Remove(name);
                else
                    _values[name] = integer;
                return null;
            case Kind.Number when values.Count == 1 && double.TryParse(values[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                _values[name] = number;
                return null;
            default:
                return $"'{name}' takes one {(spec.Kind == Kind.Integer ? "whole number" : "number")}, not '{string.Join(' ', values)}'.";
        }
    }

    /// <summary>"name=value" (the --parameter option); a stop value is one string.</summary>
    public string? Set(string assignment)
    {
        var separator = assignment.IndexOf('=');
        return separator <= 0
            ? $"'{assignment}' is not name=value; the parameters are: {string.Join(", ", Names)}."
            : Set(assignment[..separator].Trim(), [assignment[(separator + 1)..]]);
    }

    /// <summary>The parameters as the chat completions fields.</summary>
    public void WriteTo(Utf8JsonWriter w)
    {
        foreach (var spec in s_specs)
        {
            if (!_values.TryGetValue(spec.Name, out var value))
                continue;
            switch (value)
            {
                case long l:
                    w.WriteNumber(spec.Field, l);
                    break;
                case double d:
                    w.WriteNumber(spec.Field, d);
                    break;
                case string[] strings:
                    w.WriteStartArray(spec.Field);
                    foreach (var s in strings)
                        w.WriteStringValue(s);
                    w.WriteEndArray();
                    break;
            }
        }
    }

    /// <summary>"name value" lines, as <c>/show parameters</c> prints them.</summary>
    public IEnumerable<string> Describe() =>
        s_specs.Where(s => _values.ContainsKey(s.Name)).Select(s => _values[s.Name] switch
        {
            string[] strings => $"{s.Name,-20} {string.Join(' ', strings.Select(v => "\"" + JsonEncodedText.Encode(v, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\""))}",
            IFormattable f => $"{s.Name,-20} {f.ToString(null, CultureInfo.InvariantCulture)}",
            var v => $"{s.Name,-20} {v}",
        });
}
