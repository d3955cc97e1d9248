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
        Assert.True(kustomizations.Length >= 6, "base, 4 overlays and the ingress component");
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
        }
    }

    [Fact]
    public void Every_manifest_is_a_named_kubernetes_object()
    {
        var manifests = Directory.GetFiles(s_root, "*.yaml", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();
        Assert.NotEmpty(manifests);
        foreach (var file in manifests)
        {
            var doc = Yaml.Load(File.ReadAllText(file));
            Assert.False(string.IsNullOrEmpty(Yaml.Text(doc, "apiVersion")), file);
            Assert.False(string.IsNullOrEmpty(Yaml.Text(doc, "kind")), file);
            Assert.False(string.IsNullOrEmpty(Yaml.Text(doc, "metadata.name")), file);
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
