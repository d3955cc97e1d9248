namespace MicroAI.Runtime.Scheduling.Policies;

/// <summary>The scheduling policies <c>MicroAI:SchedulingPolicy</c> may name; a new policy is its own file plus one line here.</summary>
internal static class SchedulingPolicies
{
    private static readonly Dictionary<string, Func<ISchedulingPolicy>> s_byName = new(StringComparer.OrdinalIgnoreCase)
    {
        [FirstComeFirstServedPolicy.Name] = static () => new FirstComeFirstServedPolicy(),
        [ShortestPromptFirstPolicy.Name] = static () => new ShortestPromptFirstPolicy(),
    };

    public const string Default = FirstComeFirstServedPolicy.Name;

    public static IEnumerable<string> Names => s_byName.Keys;

    public static bool Exists(string name) => s_byName.ContainsKey(name);

    /// <summary>A new instance for one scheduler (a policy may keep state between its calls).</summary>
    public static ISchedulingPolicy Create(string name) =>
        s_byName.TryGetValue(name, out var create) ? create() : throw new ArgumentException($"'{name}' is not a scheduling policy ({string.Join(", ", Names)}).", nameof(name));
}
