using System.Text;
using MicroAI.Engines.Onnx.Pipelines.Magika;
using MicroAI.Tests.Shared;

namespace MicroAI.Engines.Onnx.Tests;

/// <summary>Magika inputs for the runtime tests: source snippets and their features, made by the pipeline's own <see cref="MagikaFeatures"/>.</summary>
internal static class MagikaSamples
{
    public static readonly MagikaConfig Config = MagikaConfig.Load(Path.Combine(TestPaths.MagikaFolder, "config.min.json"), null);

    public static int Width => Config.FeatureLength;

    public static int[] Extract(string text)
    {
        var features = new int[Width];
        MagikaFeatures.TryExtract(Encoding.UTF8.GetBytes(text), Config, features);
        return features;
    }

    /// <summary>config.min.json → target_labels_space: output index → label.</summary>
    public static string[] Labels() => [.. Config.Labels];

    public const string PythonSnippet = """"

        import argparse
        import json
        from pathlib import Path


        def load_records(path: Path) -> list[dict]:
            """Read one JSON record per line, skipping blank lines."""
            records = []
            with path.open("r", encoding="utf-8") as handle:
                for line in handle:
                    line = line.strip()
                    if not line:
                        continue
                    records.append(json.loads(line))
            return records


        class Summary:
            def __init__(self, records):
                self.records = records

            def count_by(self, key):
                counts = {}
                for record in self.records:
                    value = record.get(key, "unknown")
                    counts[value] = counts.get(value, 0) + 1
                return dict(sorted(counts.items(), key=lambda item: -item[1]))


        def main() -> None:
            parser = argparse.ArgumentParser(description="Summarise a JSON-lines file.")
            parser.add_argument("path", type=Path)
            parser.add_argument("--key", default="type")
            args = parser.parse_args()
            summary = Summary(load_records(args.path))
            for value, count in summary.count_by(args.key).items():
                print(f"{value:20} {count:6d}")


        if __name__ == "__main__":
            main()

        """";

    public const string JsonSnippet = """
        {
          "name": "microai-server",
          "version": "1.4.2",
          "description": "Self-hosted local inference server",
          "models": [
            { "id": "stories260K", "format": "gguf", "size": 1185376, "tags": ["text", "tiny"] },
            { "id": "mnist", "format": "onnx", "size": 26627, "tags": ["vision", "digits"] },
            { "id": "magika-standard_v3_3", "format": "onnx", "size": 3163737, "tags": ["content-type"] }
          ],
          "server": {
            "host": "127.0.0.1",
            "port": 8080,
            "cors": { "enabled": false, "origins": [] },
            "limits": { "maxConcurrentRequests": 8, "maxBodyBytes": 10485760 }
          },
          "logging": { "level": "Information", "json": true }
        }
        """;

    public const string CSharpSnippet = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace Example.Inventory;

        public sealed class Warehouse
        {
            private readonly Dictionary<string, int> _stock = new(StringComparer.OrdinalIgnoreCase);

            public void Add(string sku, int quantity)
            {
                ArgumentException.ThrowIfNullOrEmpty(sku);
                if (quantity <= 0)
                    throw new ArgumentOutOfRangeException(nameof(quantity));
                _stock[sku] = _stock.TryGetValue(sku, out var current) ? current + quantity : quantity;
            }

            public bool TryRemove(string sku, int quantity)
            {
                if (!_stock.TryGetValue(sku, out var current) || current < quantity)
                    return false;
                _stock[sku] = current - quantity;
                return true;
            }

            public IReadOnlyList<(string Sku, int Quantity)> LowStock(int threshold) =>
                _stock.Where(p => p.Value < threshold).Select(p => (p.Key, p.Value)).OrderBy(p => p.Value).ToList();
        }
        """;
}
