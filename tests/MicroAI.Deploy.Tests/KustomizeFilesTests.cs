using MicroAI.Tests.Shared;

namespace MicroAI.Deploy.Tests;

/// <summary>docker/k8s without kubectl: every file parses, every manifest names its kind, every kustomization's references exist.</summary>
public sealed class KustomizeFilesTests
{
    private static readonly string s_root = Path.Combine(TestPaths.RepoRoot, "docker", "k8s");

    [Fact]
    public void Every_kustomization_references_files_that_exist()
    {
        var kustomizations = Directory.GetFiles(s_root, "kustomization.yaml", SearchOption.AllDirectories);
        Assert.True(kustomizations.Length >= 8, "base, 5 overlays and the ingress and inference-gateway components");
        foreach (var file in kustomizations)
        {
            var doc = Yaml.Load(File.ReadAllText(file));
            var dir = Path.GetDirectoryName(file)!;
            foreach (var key in new[] { "resources", "components" })
                foreach (var reference in (Yaml.Get(doc, key) as List<object?> ?? []).Cast<string>())
                {
                    var path = Path.Combine(dir, reference);
                    Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")), $"{file}: {reference} does not exist");
                }
            foreach (var data in GeneratorFiles(file))
                Assert.True(File.Exists(data), $"{file}: {data} does not exist");
        }
    }

    /// <summary>The files a kustomization's configMapGenerator turns into ConfigMap data ("key=path" or "path").</summary>
    private static IEnumerable<string> GeneratorFiles(string kustomization)
    {
        var dir = Path.GetDirectoryName(kustomization)!;
        foreach (var generator in Yaml.Get(Yaml.Load(File.ReadAllText(kustomization)), "configMapGenerator") as List<object?> ?? [])
            foreach (var entry in (Yaml.Get(generator, "files") as List<object?> ?? []).Cast<string>())
                yield return Path.GetFullPath(Path.Combine(dir, entry[(entry.IndexOf('=') + 1)..]));
    }

    [Fact]
    public void Every_manifest_is_a_named_kubernetes_object()
    {
        // Files a generator reads are ConfigMap data, not objects.
        var data = Directory.GetFiles(s_root, "kustomization.yaml", SearchOption.AllDirectories).SelectMany(GeneratorFiles).ToHashSet();
        var manifests = Directory.GetFiles(s_root, "*.yaml", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "kustomization.yaml" && !data.Contains(Path.GetFullPath(f))).ToList();
        Assert.NotEmpty(manifests);
        foreach (var file in manifests)
        {
            var doc = Yaml.Load(File.ReadAllText(file));
            Assert.False(string.IsNullOrEmpty(Yaml.Text(doc, "apiVersion")), file);
            Assert.False(string.IsNullOrEmpty(Yaml.Text(doc, "kind")), file);
            Assert.False(string.IsNullOrEmpty(Yaml.Text(doc, "metadata.name")), file);
        }
    }

    /// <summary>
    /// The Inference Extension's model-server protocol: each metric the EPP's extractor reads, and the vLLM
    /// names that carry its meaning (the protocol's recommended names; vllm:gpu_cache_usage_perc is vLLM's
    /// earlier name for the KV-cache one).
    /// </summary>
    private static readonly Dictionary<string, string[]> s_protocolMetrics = new()
    {
        ["queuedRequestsSpec"] = ["vllm:num_requests_waiting"],                             // TotalQueuedRequests
        ["runningRequestsSpec"] = ["vllm:num_requests_running"],                            // TotalRunningRequests
        ["kvUsageSpec"] = ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],       // KVCacheUtilization, 0-1
        ["loraSpec"] = ["vllm:lora_requests_info"],                                         // LoRA running, waiting, max
    };

    [Fact]
    public void The_endpoint_picker_reads_each_protocol_metric_under_a_name_the_server_exports()
    {
        var config = Yaml.Load(File.ReadAllText(Path.Combine(s_root, "components", "inference-gateway", "epp-config.yaml")));
        var extractor = Assert.Single(Yaml.List(config, "plugins"), p => Yaml.Text(p, "type") == "core-metrics-extractor");
        var engineName = Yaml.Text(extractor, "parameters.defaultEngine");
        var engine = Assert.IsType<Dictionary<object, object?>>(
            Assert.Single(Yaml.List(extractor, "parameters.engineConfigs"), e => Yaml.Text(e, "name") == engineName));

        // What /metrics exports under vLLM's names: the literals the exporter writes ("name ", "name{...").
        var exporter = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "server/MicroAI.Server/Observability/PrometheusExporter.cs"));
        var exported = System.Text.RegularExpressions.Regex.Matches(exporter, "\"(vllm:[a-z_]+)[\" {]").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.NotEmpty(exported);

        foreach (var (field, meaning) in s_protocolMetrics)
        {
            var name = Yaml.Text(engine, field);
            Assert.True(meaning.Contains(name), $"{field} is '{name}'; the protocol's metric for it is {string.Join(" or ", meaning)}");
            Assert.True(exported.Contains(name!), $"{field} names {name}, which PrometheusExporter does not export (it exports {string.Join(", ", exported)})");
        }
        // Any other metric it is told to read is exported too, or disabled with "" (the EPP reports a missing family as a scrape error).
        foreach (var (key, value) in engine)
        {
            if (key is string field && field.EndsWith("Spec", StringComparison.Ordinal) && value is string name && name.Length > 0)
                Assert.True(exported.Contains(name), $"{field} names {name}, which PrometheusExporter does not export");
        }
    }

    [Fact]
    public void The_autoscaler_metric_is_one_the_server_exports()
    {
        var hpa = Yaml.Load(File.ReadAllText(Path.Combine(s_root, "base", "hpa.yaml")));
        var metric = Yaml.Text(hpa, "spec.metrics.0.pods.metric.name")!;
        var exporter = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "server/MicroAI.Server/Observability/PrometheusExporter.cs"));
        Assert.Contains($"\"{metric}\"", exporter, StringComparison.Ordinal);
    }
}
