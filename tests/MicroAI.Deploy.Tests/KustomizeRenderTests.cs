using MicroAI.Tests.Shared;

namespace MicroAI.Deploy.Tests;

/// <summary>Each overlay rendered by `kubectl kustomize` is a consistent set of Kubernetes objects for its kind of node.</summary>
public sealed class KustomizeRenderTests
{
    private static List<Dictionary<object, object?>> Render(string overlay) =>
        Yaml.LoadAll(Kubectl.Kustomize(Path.Combine(TestPaths.RepoRoot, "docker", "k8s", "overlays", overlay)));

    private static Dictionary<object, object?> One(List<Dictionary<object, object?>> objects, string kind) =>
        Assert.Single(objects, o => Yaml.Text(o, "kind") == kind);

    private static Dictionary<object, object?> Named(List<Dictionary<object, object?>> objects, string kind, string? name) =>
        Assert.Single(objects, o => Yaml.Text(o, "kind") == kind && Yaml.Text(o, "metadata.name") == name);

    /// <summary>Whether every label a selector (matchLabels, or a Service's selector) asks for is set.</summary>
    private static bool Selects(Dictionary<object, object?> selector, Dictionary<object, object?> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && Equals(v, s.Value));

    private static string ApiGroup(Dictionary<object, object?> o) => Yaml.Text(o, "apiVersion")!.Split('/')[0];

    [KubectlTheory]
    [InlineData("cpu", "cpu", false)]
    [InlineData("cuda", "cuda", true)]
    [InlineData("jetson", "jetson", true)]
    [InlineData("cpu-ingress", "cpu", false)]
    [InlineData("cpu-inference-gateway", "cpu", false)]
    public void Overlay_renders_a_deployment_with_probes_metrics_storage_and_autoscaling(string overlay, string tag, bool gpu)
    {
        var objects = Render(overlay);
        var deployment = Named(objects, "Deployment", "microai");
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
        var service = Named(objects, "Service", "microai");
        var podLabels = Yaml.Map(pod, "metadata.labels");
        foreach (var (key, value) in Yaml.Map(service, "spec.selector"))
            Assert.Equal(value, podLabels[key]);

        var config = Named(objects, "ConfigMap", "microai-config");
        Assert.Contains(Yaml.List(container, "envFrom"), e => Yaml.Text(e, "configMapRef.name") == Yaml.Text(config, "metadata.name"));

        var ingress = objects.SingleOrDefault(o => Yaml.Text(o, "kind") == "Ingress");
        Assert.Equal(overlay == "cpu-ingress", ingress is not null);
        if (ingress is not null)
        {
            Assert.NotNull(Yaml.Text(ingress, "spec.tls.0.secretName"));
            Assert.Equal(Yaml.Text(service, "metadata.name"), Yaml.Text(ingress, "spec.rules.0.http.paths.0.backend.service.name"));
        }
    }

    [KubectlFact]
    public void Inference_gateway_overlay_pools_the_server_pods_behind_an_endpoint_picker_it_deploys()
    {
        var objects = Render("cpu-inference-gateway");
        var server = Named(objects, "Deployment", Yaml.Text(One(objects, "HorizontalPodAutoscaler"), "spec.scaleTargetRef.name"));
        var serverContainer = Yaml.Map(server, "spec.template.spec.containers.0");
        var pool = One(objects, "InferencePool");
        Assert.Equal("inference.networking.k8s.io/v1", Yaml.Text(pool, "apiVersion"));

        // The pool holds the server's pods and nothing else deployed here (not the picker).
        var selector = Yaml.Map(pool, "spec.selector.matchLabels");
        foreach (var deployment in objects.Where(o => Yaml.Text(o, "kind") == "Deployment"))
            Assert.Equal(deployment == server, Selects(selector, Yaml.Map(deployment, "spec.template.metadata.labels")));

        // Its target port is the one the server listens on and is probed on.
        var portName = Yaml.Text(serverContainer, "readinessProbe.httpGet.port");
        var port = Yaml.Text(Assert.Single(Yaml.List(serverContainer, "ports"), p => Yaml.Text(p, "name") == portName), "containerPort");
        Assert.Equal(port, Yaml.Text(Assert.Single(Yaml.List(pool, "spec.targetPorts")), "number"));
        Assert.EndsWith(":" + port, Yaml.Text(Assert.Single(Yaml.List(serverContainer, "env"), e => Yaml.Text(e, "name") == "ASPNETCORE_URLS"), "value"));

        // The endpoint picker it names is a Service of this render, on one of its ports, in front of the EPP's gRPC port.
        Assert.Equal("Service", Yaml.Text(pool, "spec.endpointPickerRef.kind") ?? "Service");
        Assert.Equal("FailOpen", Yaml.Text(pool, "spec.endpointPickerRef.failureMode"));
        var eppService = Named(objects, "Service", Yaml.Text(pool, "spec.endpointPickerRef.name"));
        var servicePort = Assert.Single(Yaml.List(eppService, "spec.ports"), p => Yaml.Text(p, "port") == Yaml.Text(pool, "spec.endpointPickerRef.port.number"));
        var epp = Assert.Single(objects, o => Yaml.Text(o, "kind") == "Deployment" && Selects(Yaml.Map(eppService, "spec.selector"), Yaml.Map(o, "spec.template.metadata.labels")));
        var eppContainer = Yaml.Map(epp, "spec.template.spec.containers.0");
        var grpc = Assert.Single(Yaml.List(eppContainer, "ports"), p => Yaml.Text(p, "name") == Yaml.Text(servicePort, "targetPort") || Yaml.Text(p, "containerPort") == Yaml.Text(servicePort, "targetPort"));
        Assert.Equal("9002", Yaml.Text(grpc, "containerPort")); // the EPP's --grpc-port default, left as it is

        // The picker serves this pool, may watch it and its pods, and reads the component's epp-config.yaml.
        Assert.Equal(Yaml.Text(pool, "metadata.name"), Flag(eppContainer, "pool-name"));
        Assert.Equal(ApiGroup(pool), Flag(eppContainer, "pool-group"));
        var account = Named(objects, "ServiceAccount", Yaml.Text(epp, "spec.template.spec.serviceAccountName"));
        var binding = Assert.Single(objects, o => Yaml.Text(o, "kind") == "RoleBinding"
            && Yaml.List(o, "subjects").Any(s => Yaml.Text(s, "kind") == "ServiceAccount" && Yaml.Text(s, "name") == Yaml.Text(account, "metadata.name")));
        var role = Named(objects, Yaml.Text(binding, "roleRef.kind")!, Yaml.Text(binding, "roleRef.name"));
        Assert.True(Grants(role, ApiGroup(pool), "inferencepools", "watch"), "the EPP may not watch InferencePools");
        Assert.True(Grants(role, "", "pods", "watch"), "the EPP may not watch pods");

        var configPath = Flag(eppContainer, "config-file")!;
        var mount = Assert.Single(Yaml.List(eppContainer, "volumeMounts"), m => configPath.StartsWith(Yaml.Text(m, "mountPath") + "/", StringComparison.Ordinal));
        var volume = Assert.Single(Yaml.List(epp, "spec.template.spec.volumes"), v => Yaml.Text(v, "name") == Yaml.Text(mount, "name"));
        var configText = Assert.IsType<string>(Yaml.Map(Named(objects, "ConfigMap", Yaml.Text(volume, "configMap.name")), "data")[configPath[(Yaml.Text(mount, "mountPath")!.Length + 1)..]]);
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docker", "k8s", "components", "inference-gateway", "epp-config.yaml")), configText);

        // The server pods get the engine config that names MicroAI's metrics (KustomizeFilesTests checks
        // those against the exporter): its default, unless an engine label says otherwise.
        var extractor = Assert.Single(Yaml.List(Yaml.Load(configText), "plugins"), p => Yaml.Text(p, "type") == "core-metrics-extractor");
        var serverLabels = Yaml.Map(server, "spec.template.metadata.labels");
        foreach (var key in new[] { "llm-d.ai/engine-type", "inference.networking.k8s.io/engine-type" })
            if (serverLabels.TryGetValue(key, out var engine))
                Assert.Equal(Yaml.Text(extractor, "parameters.defaultEngine"), engine);

        // The picker's scrape carries no key, so /metrics must need none.
        var serverConfig = Named(objects, "ConfigMap", Yaml.Text(Assert.Single(Yaml.List(serverContainer, "envFrom"), e => Yaml.Get(e, "configMapRef") is not null), "configMapRef.name"));
        Assert.Equal("public", Yaml.Map(serverConfig, "data")["MicroAI__Security__MetricsScope"]);
    }

    [KubectlFact]
    public void Inference_gateway_route_sends_generations_to_the_pool_and_nothing_to_metrics()
    {
        var objects = Render("cpu-inference-gateway");
        var pool = One(objects, "InferencePool");
        var route = One(objects, "HTTPRoute");
        Assert.Equal("gateway.networking.k8s.io/v1", Yaml.Text(route, "apiVersion"));
        var parent = Assert.Single(Yaml.List(route, "spec.parentRefs"));
        Assert.Equal("gateway.networking.k8s.io", Yaml.Text(parent, "group"));
        Assert.Equal("Gateway", Yaml.Text(parent, "kind"));
        Assert.False(string.IsNullOrEmpty(Yaml.Text(parent, "name")));

        foreach (var path in new[] { "/v1/chat/completions", "/v1/completions" })
        {
            var backend = Assert.Single(Yaml.List(RuleFor(route, path) ?? throw new Xunit.Sdk.XunitException($"no rule routes {path}"), "backendRefs"));
            Assert.Equal("InferencePool", Yaml.Text(backend, "kind"));
            Assert.Equal(ApiGroup(pool), Yaml.Text(backend, "group"));
            Assert.Equal(Yaml.Text(pool, "metadata.name"), Yaml.Text(backend, "name"));
        }

        // What the picker does not parse reaches the server pods through a Service of this render.
        var server = Named(objects, "Deployment", Yaml.Text(One(objects, "HorizontalPodAutoscaler"), "spec.scaleTargetRef.name"));
        var models = Assert.Single(Yaml.List(RuleFor(route, "/v1/models") ?? throw new Xunit.Sdk.XunitException("no rule routes /v1/models"), "backendRefs"));
        Assert.Equal("Service", Yaml.Text(models, "kind") ?? "Service");
        var service = Named(objects, "Service", Yaml.Text(models, "name"));
        Assert.Contains(Yaml.List(service, "spec.ports"), p => Yaml.Text(p, "port") == Yaml.Text(models, "port"));
        Assert.True(Selects(Yaml.Map(service, "spec.selector"), Yaml.Map(server, "spec.template.metadata.labels")));

        // /metrics (keyless for the picker) and the management routes are not reachable through the Gateway.
        Assert.Null(RuleFor(route, "/metrics"));
        Assert.Null(RuleFor(route, "/api/cache/prefixes"));
        Assert.DoesNotContain(objects, o => Yaml.Text(o, "kind") == "Ingress");
    }

    /// <summary>"--name=value" in a container's args; null when absent.</summary>
    private static string? Flag(Dictionary<object, object?> container, string name) =>
        Yaml.List(container, "args").Cast<string>().Where(a => a.StartsWith($"--{name}=", StringComparison.Ordinal)).Select(a => a[(name.Length + 3)..]).SingleOrDefault();

    private static bool Grants(Dictionary<object, object?> role, string group, string resource, string verb) =>
        Yaml.List(role, "rules").Any(r => Yaml.List(r, "apiGroups").Contains(group) && Yaml.List(r, "resources").Contains(resource) && Yaml.List(r, "verbs").Contains(verb));

    /// <summary>
    /// The rule a Gateway picks for a path, by Gateway API's precedence (an Exact match over a prefix, a
    /// longer prefix over a shorter; a prefix matches whole segments; no matches or no path means "/"); null when none matches.
    /// </summary>
    private static Dictionary<object, object?>? RuleFor(Dictionary<object, object?> route, string path) =>
        Yaml.List(route, "spec.rules").Cast<Dictionary<object, object?>>()
            .SelectMany(rule => (Yaml.Get(rule, "matches") as List<object?> ?? [new Dictionary<object, object?>()])
                .Select(m => (Rule: rule, Type: Yaml.Text(m, "path.type") ?? "PathPrefix", Value: Yaml.Text(m, "path.value") ?? "/")))
            .Where(m => m.Type == "Exact" ? m.Value == path : m.Value.TrimEnd('/') is var prefix && (prefix.Length == 0 || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal)))
            .OrderByDescending(m => m.Type == "Exact").ThenByDescending(m => m.Value.Length)
            .Select(m => m.Rule).FirstOrDefault();
}
