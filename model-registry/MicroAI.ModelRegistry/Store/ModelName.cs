namespace MicroAI.ModelRegistry.Store;

/// <summary>
/// A registry model name, <c>name[:tag]</c>, where name is one to three '/'-separated segments
/// ("llama3", "library/qwen2.5"). Segments and tags use letters, digits, '.', '_' and '-', start
/// with a letter or digit, and are at most 80 characters; the whole name is at most 200. So a
/// name can never be an absolute path, climb out with "..", or carry a separator of another OS.
/// The default tag is "latest". Names compare case-insensitively and are stored in lower case.
/// </summary>
public readonly record struct ModelName(string Name, string Tag)
{
    public const string DefaultTag = "latest";
    public const int MaxLength = 200;
    public const int MaxSegmentLength = 80;
    public const int MaxSegments = 3;

    public override string ToString() => $"{Name}:{Tag}";

    /// <summary>The manifest's path relative to the manifests folder, lower case: "library/qwen/latest.json".</summary>
    public string RelativeManifestPath => Path.Combine([.. Name.ToLowerInvariant().Split('/'), Tag.ToLowerInvariant() + ".json"]);

    public bool Matches(ModelName other) =>
        string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && string.Equals(Tag, other.Tag, StringComparison.OrdinalIgnoreCase);

    public static bool TryParse(string? text, out ModelName name, out string? error)
    {
        name = default;
        error = Check(text, out var n, out var t);
        if (error is not null)
            return false;
        name = new ModelName(n!.ToLowerInvariant(), t!.ToLowerInvariant());
        return true;
    }

    public static ModelName Parse(string text) =>
        TryParse(text, out var name, out var error) ? name : throw new FormatException(error);

    private static string? Check(string? text, out string? name, out string? tag)
    {
        name = tag = null;
        if (string.IsNullOrWhiteSpace(text))
            return "A model name is required.";
        if (text.Length > MaxLength)
            return $"A model name is at most {MaxLength} characters.";
        var colon = text.LastIndexOf(':');
        if (colon >= 0 && text.IndexOf(':') != colon)
            return $"'{text}' has more than one ':'; use name:tag.";
        name = colon < 0 ? text : text[..colon];
        tag = colon < 0 ? DefaultTag : text[(colon + 1)..];
        if (CheckSegment(tag, "tag") is { } tagError)
            return $"'{text}': {tagError}";
        var segments = name.Split('/');
        if (segments.Length > MaxSegments)
            return $"'{text}': a name has at most {MaxSegments} '/'-separated parts.";
        foreach (var s in segments)
        {
            if (CheckSegment(s, "name part") is { } segError)
                return $"'{text}': {segError}";
        }
        return null;
    }

    private static string? CheckSegment(string s, string what)
    {
        if (s.Length == 0)
            return $"the {what} is empty.";
        if (s.Length > MaxSegmentLength)
            return $"the {what} '{s[..20]}…' is longer than {MaxSegmentLength} characters.";
        if (!char.IsAsciiLetterOrDigit(s[0]))
            return $"the {what} '{s}' must start with a letter or digit.";
        foreach (var c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return $"the {what} '{s}' has the character '{c}'; use letters, digits, '.', '_' and '-'.";
        }
        return null;
    }
}
