using System.Text;

namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// The rules of one grammar under construction: unique names, identical bodies shared under one
/// name (a schema repeating a shape costs one rule), and the rule-count limit.
/// </summary>
internal sealed class GbnfRuleSet(int maxRules)
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, string?> _bodies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byBody = new(StringComparer.Ordinal);

    public int Count => _order.Count;

    /// <summary>Claims a fresh name to be defined later (recursive $ref targets need their name first).</summary>
    public string Reserve(string hint)
    {
        if (_order.Count >= maxRules)
            throw new GrammarSchemaException($"The schema needs more than {maxRules} grammar rules.");
        var baseName = GbnfText.RuleName(hint);
        var name = baseName;
        for (var i = 2; _bodies.ContainsKey(name); i++)
            name = baseName + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _bodies[name] = null;
        _order.Add(name);
        return name;
    }

    /// <summary>Reserves an exact name (only "root"); the caller guarantees it is free.</summary>
    public void ReserveExact(string name)
    {
        _bodies.Add(name, null);
        _order.Add(name);
    }

    public void Define(string name, string body)
    {
        _bodies[name] = body;
        _byBody.TryAdd(body, name);
    }

    /// <summary>A rule with this body: an existing one if the body was seen before, else a new one.</summary>
    public string Add(string hint, string body)
    {
        if (_byBody.TryGetValue(body, out var existing))
            return existing;
        var name = Reserve(hint);
        Define(name, body);
        return name;
    }

    public string Render()
    {
        var sb = new StringBuilder();
        foreach (var name in _order)
            sb.Append(name).Append(" ::= ").Append(_bodies[name] ?? throw new InvalidOperationException($"Rule '{name}' was reserved but never defined.")).Append('\n');
        return sb.ToString();
    }
}
