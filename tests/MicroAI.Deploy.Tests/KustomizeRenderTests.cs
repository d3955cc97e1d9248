using MicroAI.Tests.Shared;

namespace MicroAI.Deploy.Tests;

/// <summary>Each overlay rendered by `kubectl kustomize` is a consistent set of Kubernetes objects for its kind of node.</summary>
public sealed class KustomizeRenderTests
{
    private static List<Dictionary<object, object?>> Render(string overlay) =>
        Yaml.LoadAll(Kubectl.Kustomize(Path.Combine(TestPaths.RepoRoot, "docker", "k8s", "overlays", overlay)));

    private static Dictionary<object, object?> One(List<Dictionary<object, object?>> objects, string kind) =>
        Assert.Single(objects, o => Yaml.Text(o, "kind") == kind);

    [KubectlTheory]
    [InlineData("cpu", "cpu", false)]
    [InlineData("cuda", "cuda", true)]
    [InlineData("jetson", "jetson", true)]
    [InlineData("cpu-ingress", "cpu", false)]
    public void Overlay_renders_a_deployment_with_probes_metrics_storage_and_autoscaling(string overlay, string tag, bool gpu)
    {
        var objects = Render(overlay);
        var deployment = One(objects, "Deployment");
        var pod = Yaml.Map(deployment, "spec.template");
        var container = Yaml.Map(pod, "spec.containers.0");

        Assert.Equal("registry.example/microai:" + tag, Yaml.Text(container, "image"));
        Assert.Equal(Yaml.Text(container, "image"), Yaml.Text(pod, "spec.initContainers.0.image"));
        Assert.Equal("/health", Yaml.Text(container, "readinessProbe.httpGet.path"));
        Assert.Equal("/health", Yaml.Text(container, "livenessProbe.httpGet.path"));
        Assert.Equal("true", Yaml.Map(pod, "metadata.annotations")["prometheus.io/scrape"]);
        Assert.Equal("/metrics", Yaml.Map(pod, "metadata.annotations")["prometheus.io/path"]);
        Assert.Equal("true", Yaml.Text(pod, "spec.securityContext.runAsNonRoot"));
        Assert.Equal("true", Yaml.Text(container, "securityContext.readOnlyRootFilesystem"));

        // The registry is the PVC, mounted at the data directory by the pull step and the server.
        var pvc = One(objects, "PersistentVolumeClaim");
        var data = Assert.Single(Yaml.List(pod, "spec.volumes"), v => Yaml.Text(v, "name") == "data");
        Assert.Equal(Yaml.Text(pvc, "metadata.name"), Yaml.Text(data, "persistentVolumeClaim.claimName"));
        Assert.Contains("microai pull", Yaml.Text(pod, "spec.initContainers.0.command.2"), StringComparison.Ordinal);
        Assert.Contains(Yaml.List(container, "env"), e => Yaml.Text(e, "name") == "MicroAI__DataDirectory" && Yaml.Text(e, "value") == "/data");
        Assert.Contains(Yaml.List(container, "envFrom"), e => Yaml.Text(e, "secretRef.name") == "microai-secrets");

        var limits = Yaml.Map(container, "resources.limits");
        Assert.Equal(gpu, limits.ContainsKey("nvidia.com/gpu"));
        if (gpu)
            Assert.Equal("1", limits["nvidia.com/gpu"]);

        var hpa = One(objects, "HorizontalPodAutoscaler");
        Assert.Equal(Yaml.Text(deployment, "metadata.name"), Yaml.Text(hpa, "spec.scaleTargetRef.name"));
        Assert.Equal("microai_queue_depth", Yaml.Text(hpa, "spec.metrics.0.pods.metric.name"));

        // The Service selects the pods, and every pod label it selects on is set.
        var service = One(objects, "Service");
        var podLabels = Yaml.Map(pod, "metadata.labels");
        foreach (var (key, value) in Yaml.Map(service, "spec.selector"))
            Assert.Equal(value, podLabels[key]);

        var config = One(objects, "ConfigMap");
        Assert.Contains(Yaml.List(container, "envFrom"), e => Yaml.Text(e, "configMapRef.name") == Yaml.Text(config, "metadata.name"));

        var ingress = objects.SingleOrDefault(o => Yaml.Text(o, "kind") == "Ingress");
        Assert.Equal(overlay == "cpu-ingress", ingress is not null);
        if (ingress is not null)
        {
            Assert.NotNull(Yaml.Text(ingress, "spec.tls.0.secretName"));
            Assert.Equal(Yaml.Text(service, "metadata.name"), Yaml.Text(ingress, "spec.rules.0.http.paths.0.backend.service.name"));
        }
    }
}
