using System.Reflection;

namespace MicroAI.Runtime.Scheduling.Policies;

/// <summary>
/// The scheduling policies <c>MicroAI:SchedulingPolicy</c> may name: every class of this assembly
/// marked <see cref="SchedulingPolicyAttribute"/>, so a new policy is its own file and nothing else.
/// Found by reflection once; the single-file publish trims only the framework's assemblies
/// (TrimMode=partial), so no policy class can be trimmed away.
/// </summary>
internal static class SchedulingPolicies
{
    private static readonly Dictionary<string, Type> s_byName = typeof(SchedulingPolicies).Assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ISchedulingPolicy).IsAssignableFrom(t))
        .Select(t => (Type: t, t.GetCustomAttribute<SchedulingPolicyAttribute>()?.Name))
        .Where(p => p.Name is not null)
        .ToDictionary(p => p.Name!, p => p.Type, StringComparer.OrdinalIgnoreCase);

    public const string Default = FirstComeFirstServedPolicy.Name;

    public static IEnumerable<string> Names => s_byName.Keys.Order(StringComparer.Ordinal);

    public static bool Exists(string name) => s_byName.ContainsKey(name);

    /// <summary>A new instance for one scheduler (a policy may keep state between its calls).</summary>
    public static ISchedulingPolicy Create(string name) =>
        s_byName.TryGetValue(name, out var type) ? (ISchedulingPolicy)Activator.CreateInstance(type)!
        : throw new ArgumentException($"'{name}' is not a scheduling policy ({string.Join(", ", Names)}).", nameof(name));
}

/// <summary>Makes an <see cref="ISchedulingPolicy"/> (with a public parameterless constructor) selectable as <c>MicroAI:SchedulingPolicy=</c><paramref name="name"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class SchedulingPolicyAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
