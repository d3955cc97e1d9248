using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace MicroAI.Deploy.Tests;

/// <summary>YAML as plain dictionaries and lists (merge keys resolved), with a path lookup for assertions.</summary>
internal static class Yaml
{
    private static readonly IDeserializer s_deserializer = new DeserializerBuilder().Build();

    public static List<Dictionary<object, object?>> LoadAll(string text)
    {
        var parser = new MergingParser(new Parser(new StringReader(text)));
        var documents = new List<Dictionary<object, object?>>();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
        {
            if (s_deserializer.Deserialize(parser) is Dictionary<object, object?> doc)
                documents.Add(doc);
        }
        return documents;
    }

    public static Dictionary<object, object?> Load(string text) => Assert.Single(LoadAll(text));

    /// <summary>"spec.template.spec.containers.0.image": map keys and list indexes; null when absent.</summary>
    public static object? Get(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                Dictionary<object, object?> map => map.TryGetValue(part, out var v) ? v : null,
                List<object?> list when int.TryParse(part, out var i) => i < list.Count ? list[i] : null,
                _ => null,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    public static string? Text(object? node, string path) => Get(node, path) as string;

    public static Dictionary<object, object?> Map(object? node, string path) =>
        Assert.IsType<Dictionary<object, object?>>(Get(node, path));

    public static List<object?> List(object? node, string path) =>
        Assert.IsType<List<object?>>(Get(node, path));
}
