using System.Text;

namespace MicroAI.Templates;

/// <summary>
/// The Python methods templates call on strings, dicts and lists. Mutating methods are refused like
/// transformers' ImmutableSandboxedEnvironment does ("access to attribute 'append' of 'list' object is unsafe.").
/// </summary>
internal static class Methods
{
    private static readonly HashSet<string> MutatingList = ["append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear"];
    private static readonly HashSet<string> MutatingDict = ["update", "pop", "popitem", "setdefault", "clear"];

    private static Callable Fn(string name, Func<Arguments, object?> f) => new(name, (_, args) => f(args));

    private static Callable Unsafe(string name, string type) =>
        new(name, (_, _) => throw new TemplateException($"access to attribute '{name}' of '{type}' object is unsafe."));

    public static Callable? ForDict(PyDict d, string name) => name switch
    {
        "items" => Fn(name, _ => new PyList(d.Select(kv => (object?)new PyTuple([kv.Key, kv.Value])))),
        "keys" => Fn(name, _ => new PyList(d.Keys)),
        "values" => Fn(name, _ => new PyList(d.Values)),
        "get" => Fn(name, a => d.TryGetValue(a.Get(0, "key"), out var v) ? v : a.Get(1, "default")),
        "copy" => Fn(name, _ =>
        {
            var c = new PyDict();
            foreach (var kv in d) c[kv.Key] = kv.Value;
            return c;
        }),
        _ when MutatingDict.Contains(name) => Unsafe(name, "dict"),
        _ => null,
    };

    public static Callable? ForList(IReadOnlyList<object?> l, string name, string type) => name switch
    {
        "index" => Fn(name, a =>
        {
            for (int i = 0; i < l.Count; i++) if (PyOps.Equal(l[i], a.Get(0, "value"))) return (long)i;
            throw new TemplateException($"{PyOps.Repr(a.Get(0, "value"))} is not in {type}");
        }),
        "count" => Fn(name, a => (long)l.Count(x => PyOps.Equal(x, a.Get(0, "value")))),
        "copy" when type == "list" => Fn(name, _ => new PyList(l)),
        _ when type == "list" && MutatingList.Contains(name) => Unsafe(name, "list"),
        _ => null,
    };

    public static Callable? ForString(string s, string name) => name switch
    {
        "strip" => Fn(name, a => Strip(s, a.Get(0, "chars"), true, true)),
        "lstrip" => Fn(name, a => Strip(s, a.Get(0, "chars"), true, false)),
        "rstrip" => Fn(name, a => Strip(s, a.Get(0, "chars"), false, true)),
        "upper" => Fn(name, _ => s.ToUpperInvariant()),
        "lower" => Fn(name, _ => s.ToLowerInvariant()),
        "casefold" => Fn(name, _ => s.ToLowerInvariant()),
        "capitalize" => Fn(name, _ => Capitalize(s)),
        "title" => Fn(name, _ => PyTitle(s)),
        "swapcase" => Fn(name, _ => string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)))),
        "startswith" => Fn(name, a => Affix(s, a.Get(0, "prefix"), true)),
        "endswith" => Fn(name, a => Affix(s, a.Get(0, "suffix"), false)),
        "replace" => Fn(name, a => Replace(s, Str(a.Get(0, "old")), Str(a.Get(1, "new")), a.Get(2, "count") is long n ? n : -1)),
        "split" => Fn(name, a => Split(s, a.Get(0, "sep"), a.Get(1, "maxsplit") is long n ? n : -1)),
        "rsplit" => Fn(name, a => RSplit(s, a.Get(0, "sep"), a.Get(1, "maxsplit") is long n ? n : -1)),
        "splitlines" => Fn(name, a => new PyList(Text.SplitLines(s, PyOps.Truthy(a.Get(0, "keepends", false))).Cast<object?>())),
        "find" => Fn(name, a => (long)s.IndexOf(Str(a.Get(0, "sub")), StringComparison.Ordinal)),
        "rfind" => Fn(name, a => (long)s.LastIndexOf(Str(a.Get(0, "sub")), StringComparison.Ordinal)),
        "index" => Fn(name, a =>
        {
            int i = s.IndexOf(Str(a.Get(0, "sub")), StringComparison.Ordinal);
            return i >= 0 ? (long)i : throw new TemplateException("substring not found");
        }),
        "count" => Fn(name, a => CountOccurrences(s, Str(a.Get(0, "sub")))),
        "join" => Fn(name, a => string.Join(s, PyOps.Iterate(a.Get(0, "iterable")).Select(x => x as string
            ?? throw new TemplateException($"sequence item: expected str instance, {PyOps.TypeName(x)} found")))),
        "isdigit" or "isnumeric" or "isdecimal" => Fn(name, _ => s.Length > 0 && s.All(char.IsDigit)),
        "isalpha" => Fn(name, _ => s.Length > 0 && s.All(char.IsLetter)),
        "isalnum" => Fn(name, _ => s.Length > 0 && s.All(char.IsLetterOrDigit)),
        "isspace" => Fn(name, _ => s.Length > 0 && s.All(char.IsWhiteSpace)),
        "isupper" => Fn(name, _ => s.Any(char.IsLetter) && !s.Any(char.IsLower)),
        "islower" => Fn(name, _ => s.Any(char.IsLetter) && !s.Any(char.IsUpper)),
        "removeprefix" => Fn(name, a => Str(a.Get(0, "prefix")) is var p && s.StartsWith(p, StringComparison.Ordinal) ? s[p.Length..] : s),
        "removesuffix" => Fn(name, a => Str(a.Get(0, "suffix")) is var p && p.Length > 0 && s.EndsWith(p, StringComparison.Ordinal) ? s[..^p.Length] : s),
        "partition" => Fn(name, a => Partition(s, Str(a.Get(0, "sep")), false)),
        "rpartition" => Fn(name, a => Partition(s, Str(a.Get(0, "sep")), true)),
        "zfill" => Fn(name, a => s.PadLeft((int)(a.Get(0, "width") as long? ?? 0), '0')),
        "ljust" => Fn(name, a => s.PadRight((int)(a.Get(0, "width") as long? ?? 0), Str(a.Get(1, "fillchar", " "))[0])),
        "rjust" => Fn(name, a => s.PadLeft((int)(a.Get(0, "width") as long? ?? 0), Str(a.Get(1, "fillchar", " "))[0])),
        "center" => Fn(name, a => Center(s, (int)(a.Get(0, "width") as long? ?? 0))),
        "format" => Fn(name, a => StrFormat(s, a)),
        _ => null,
    };

    private static string Str(object? v) => v as string ?? throw new TemplateException($"expected a string argument, got {PyOps.TypeName(v)}");

    public static string Strip(string s, object? chars, bool left, bool right)
    {
        if (chars is null or Undefined) return left && right ? s.Trim() : left ? s.TrimStart() : s.TrimEnd();
        char[] set = Str(chars).ToCharArray();
        return left && right ? s.Trim(set) : left ? s.TrimStart(set) : s.TrimEnd(set);
    }

    public static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();

    /// <summary>Python str.title(): a letter is upper-cased when the previous character is not a letter.</summary>
    private static string PyTitle(string s)
    {
        var sb = new StringBuilder(s.Length);
        bool prevCased = false;
        foreach (char c in s)
        {
            sb.Append(prevCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            prevCased = char.IsLetter(c);
        }

        return sb.ToString();
    }

    private static bool Affix(string s, object? arg, bool prefix)
    {
        IEnumerable<object?> options = arg is PyTuple t ? t.Items : [arg];
        return options.Any(o => prefix ? s.StartsWith(Str(o), StringComparison.Ordinal) : s.EndsWith(Str(o), StringComparison.Ordinal));
    }

    public static string Replace(string s, string old, string @new, long count)
    {
        if (count < 0) return old.Length == 0 ? InsertEverywhere(s, @new) : s.Replace(old, @new, StringComparison.Ordinal);
        var sb = new StringBuilder();
        int pos = 0;
        for (long n = 0; n < count; n++)
        {
            int i = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (i < 0 || old.Length == 0) break;
            sb.Append(s, pos, i - pos).Append(@new);
            pos = i + old.Length;
        }

        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    private static string InsertEverywhere(string s, string ins) => ins + string.Concat(s.Select(c => c + ins));

    private static PyList Split(string s, object? sep, long maxsplit)
    {
        var result = new PyList();
        if (sep is null or Undefined)
        {
            // Whitespace split: runs of whitespace separate, no empty strings.
            int i = 0;
            while (i < s.Length)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
                if (i >= s.Length) break;
                if (maxsplit >= 0 && result.Count >= maxsplit) { result.Add(s[i..].TrimEnd()); break; }
                int start = i;
                while (i < s.Length && !char.IsWhiteSpace(s[i])) i++;
                result.Add(s[start..i]);
            }

            return result;
        }

        string sp = Str(sep);
        if (sp.Length == 0) throw new TemplateException("empty separator");
        int pos = 0;
        while (maxsplit < 0 || result.Count < maxsplit)
        {
            int idx = s.IndexOf(sp, pos, StringComparison.Ordinal);
            if (idx < 0) break;
            result.Add(s[pos..idx]);
            pos = idx + sp.Length;
        }

        result.Add(s[pos..]);
        return result;
    }

    private static PyList RSplit(string s, object? sep, long maxsplit)
    {
        if (maxsplit < 0 || sep is null or Undefined) return Split(s, sep, maxsplit);
        string sp = Str(sep);
        var parts = new List<object?>();
        int end = s.Length;
        while (parts.Count < maxsplit)
        {
            int idx = end - sp.Length < 0 ? -1 : s.LastIndexOf(sp, end - 1, end, StringComparison.Ordinal);
            if (idx < 0 || idx + sp.Length > end) break;
            parts.Add(s[(idx + sp.Length)..end]);
            end = idx;
        }

        parts.Add(s[..end]);
        parts.Reverse();
        return new PyList(parts);
    }

    private static long CountOccurrences(string s, string sub)
    {
        if (sub.Length == 0) return s.Length + 1;
        long n = 0;
        for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static PyTuple Partition(string s, string sep, bool fromRight)
    {
        int i = fromRight ? s.LastIndexOf(sep, StringComparison.Ordinal) : s.IndexOf(sep, StringComparison.Ordinal);
        if (i < 0) return fromRight ? new PyTuple(["", "", s]) : new PyTuple([s, "", ""]);
        return new PyTuple([s[..i], sep, s[(i + sep.Length)..]]);
    }

    private static string Center(string s, int width)
    {
        if (width <= s.Length) return s;
        int total = width - s.Length;
        int left = total / 2 + (total & width & 1);
        return new string(' ', left) + s + new string(' ', total - left);
    }

    /// <summary>str.format with {} / {0} / {name} fields (format specs are not supported).</summary>
    private static string StrFormat(string fmt, Arguments a)
    {
        var sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < fmt.Length; i++)
        {
            char c = fmt[i];
            if (c == '{' && i + 1 < fmt.Length && fmt[i + 1] == '{') { sb.Append('{'); i++; continue; }
            if (c == '}' && i + 1 < fmt.Length && fmt[i + 1] == '}') { sb.Append('}'); i++; continue; }
            if (c != '{') { sb.Append(c); continue; }
            int close = fmt.IndexOf('}', i);
            if (close < 0) throw new TemplateException("Single '{' encountered in format string");
            string field = fmt[(i + 1)..close];
            if (field.Contains(':') || field.Contains('!')) throw new TemplateException("format specifications are not supported");
            object? v = field.Length == 0 ? a.Get(auto++, "\0")
                : long.TryParse(field, out long n) ? a.Get((int)n, "\0")
                : a.Get(-1, field, new Undefined($"'{field}'"));
            sb.Append(PyOps.Str(v));
            i = close;
        }

        return sb.ToString();
    }
}
