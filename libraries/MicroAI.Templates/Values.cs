using System.Collections;

namespace MicroAI.Templates;

// Runtime values are a closed set of plain types, so templates can never reach arbitrary .NET objects:
// null (None), Undefined, bool, long, double, string, PyList (list), PyTuple, PyDict, PyNamespace,
// LoopInfo and Callable. Inputs are converted into these by ValueConverter.

/// <summary>Jinja2's default Undefined: prints as empty, falsy, iterates as empty; other use is an error.</summary>
internal sealed class Undefined
{
    public Undefined(string hint) => Hint = hint;

    /// <summary>Jinja2-style explanation used when the value is misused, e.g. "'x' is undefined".</summary>
    public string Hint { get; }
}

internal sealed class PyList : List<object?>
{
    public PyList() { }

    public PyList(IEnumerable<object?> items) : base(items) { }
}

internal sealed class PyTuple(object?[] items) : IReadOnlyList<object?>
{
    public object?[] Items { get; } = items;

    public int Count => Items.Length;

    public object? this[int index] => Items[index];

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)Items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();
}

/// <summary>Insertion-ordered dict with Python key equality (1 == 1.0 == True).</summary>
internal sealed class PyDict : IEnumerable<KeyValuePair<object, object?>>
{
    private readonly OrderedDictionary<object, object?> _map = new(PyKeyComparer.Instance);

    public int Count => _map.Count;

    public object? this[object key]
    {
        get => _map[key];
        set => _map[key] = value;
    }

    public bool TryGetValue(object? key, out object? value)
    {
        value = null;
        return key is not null && _map.TryGetValue(key, out value);
    }

    public bool ContainsKey(object? key) => key is not null && _map.ContainsKey(key);

    public IEnumerable<object> Keys => _map.Keys;

    public IEnumerable<object?> Values => _map.Values;

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() => _map.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Object made by <c>namespace()</c>: the one mutable thing templates may assign attributes on.</summary>
internal sealed class PyNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class LoopInfo
{
    public required IReadOnlyList<object?> Items { get; init; }
    public int Index0 { get; set; }
    public required LoopInfo? Parent { get; init; }

    public object? Get(string name) => name switch
    {
        "index" => (long)(Index0 + 1),
        "index0" => (long)Index0,
        "revindex" => (long)(Items.Count - Index0),
        "revindex0" => (long)(Items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == Items.Count - 1,
        "length" => (long)Items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? Items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 + 1 < Items.Count ? Items[Index0 + 1] : new Undefined("there is no next item"),
        "cycle" => new Callable("cycle", (_, args) =>
            args.Positional.Count == 0 ? throw new TemplateException("no items for cycling given") : args.Positional[Index0 % args.Positional.Count]),
        "changed" => new Callable("changed", (_, _) => throw new TemplateException("loop.changed is not supported")),
        _ => new Undefined($"'loop' has no attribute '{name}'"),
    };
}

/// <summary>Arguments of a call after evaluation.</summary>
internal sealed record Arguments(List<object?> Positional, List<KeyValuePair<string, object?>> Named)
{
    public static readonly Arguments Empty = new([], []);

    /// <summary>Python-style binding: positional slot <paramref name="index"/> or keyword <paramref name="name"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        if (index >= 0 && index < Positional.Count) return Positional[index];
        foreach (var kv in Named)
            if (kv.Key == name) return kv.Value;
        return fallback;
    }

    public bool Has(int index, string name) => (index >= 0 && index < Positional.Count) || Named.Exists(kv => kv.Key == name);
}

/// <summary>Anything callable from a template: globals, bound methods, macros, caller.</summary>
internal sealed class Callable(string name, Func<Interpreter, Arguments, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(Interpreter interpreter, Arguments args) => invoke(interpreter, args);
}

internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => PyOps.Equal(x, y);

    public int GetHashCode(object obj) => obj switch
    {
        bool b => b ? 1 : 0,
        long l => l.GetHashCode(),
        double d => d == Math.Floor(d) && Math.Abs(d) < 9e18 ? ((long)d).GetHashCode() : d.GetHashCode(),
        string s => StringComparer.Ordinal.GetHashCode(s),
        PyTuple t => t.Items.Length > 0 && t.Items[0] is PyTuple ? throw new TemplateException("Nested tuples are not supported as dict keys") : t.Items.Aggregate(17, (h, i) => h * 31 + (i is null ? 0 : GetHashCode(i))),
        _ => throw new TemplateException($"unhashable type: '{PyOps.TypeName(obj)}'"),
    };
}

/// <summary>
/// What Jinja2's lazy filters (map, select, reject, selectattr, rejectattr, unique, items, reverse) return
/// in Python: a one-shot iterator. Modelled because it is observable in real templates: it is always
/// truthy, has no length, cannot be indexed or serialized by tojson, and a second pass sees nothing.
/// </summary>
internal sealed class PyGenerator(object?[] items, string origin)
{
    private bool _consumed;

    public string Origin { get; } = origin;

    public object?[] Consume()
    {
        if (_consumed) return [];
        _consumed = true;
        return items;
    }
}
