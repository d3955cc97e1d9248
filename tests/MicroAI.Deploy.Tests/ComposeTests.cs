using MicroAI.Tests.Shared;

namespace MicroAI.Deploy.Tests;

/// <summary>docker/compose.yaml: parses, every service builds from a Dockerfile that exists, and carries the volumes, health check, limits and (for GPUs) the reservation.</summary>
public sealed class ComposeTests
{
    private static readonly Dictionary<object, object?> s_compose =
        Yaml.Load(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docker", "compose.yaml")));

    [Theory]
    [InlineData("microai", "cpu", "docker/Dockerfile")]
    [InlineData("microai-cuda", "cuda", "docker/Dockerfile.cuda")]
    [InlineData("microai-jetson", "jetson", "docker/Dockerfile.jetson")]
    public void Service_builds_its_image_with_volumes_health_check_and_limits(string service, string profile, string dockerfile)
    {
        var s = Yaml.Map(s_compose, "services." + service);
        Assert.Equal([profile], Yaml.List(s, "profiles").Cast<string>());
        var context = Path.GetFullPath(Path.Combine(TestPaths.RepoRoot, "docker", Yaml.Text(s, "build.context")!));
        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.GetFullPath(TestPaths.RepoRoot)), Path.TrimEndingDirectorySeparator(context));
        Assert.Equal(dockerfile, Yaml.Text(s, "build.dockerfile"));
        Assert.True(File.Exists(Path.Combine(context, dockerfile)));

        Assert.Equal("true", Yaml.Text(s, "read_only"));
        Assert.Contains("/tmp", Yaml.List(s, "tmpfs"));
        var volumes = Yaml.List(s, "volumes").Cast<string>().ToList();
        Assert.Contains("data:/data", volumes);
        Assert.Contains("models:/models:ro", volumes);
        Assert.Contains("/health", string.Join(" ", Yaml.List(s, "healthcheck.test")), StringComparison.Ordinal);
        Assert.NotNull(Yaml.Text(s, "deploy.resources.limits.memory"));
        foreach (var volume in volumes.Select(v => v.Split(':')[0]))
            Assert.True(Yaml.Map(s_compose, "volumes").ContainsKey(volume), $"volume {volume} is declared");
    }

    [Fact]
    public void Gpu_services_reserve_the_gpu()
    {
        var device = Yaml.Map(s_compose, "services.microai-cuda.deploy.resources.reservations.devices.0");
        Assert.Equal("nvidia", device["driver"]);
        Assert.Contains("gpu", Yaml.List(device, "capabilities"));
        Assert.Equal("nvidia", Yaml.Text(s_compose, "services.microai-jetson.runtime"));
        Assert.Null(Yaml.Get(s_compose, "services.microai.deploy.resources.reservations"));
    }

    [Fact]
    public void Settings_and_api_keys_come_from_the_environment()
    {
        var s = Yaml.Map(s_compose, "services.microai");
        Assert.True(Yaml.Map(s, "environment").ContainsKey("MicroAI__DefaultModel"));
        Assert.Equal("microai.env", Yaml.Text(s, "env_file.0.path"));
        Assert.Equal("false", Yaml.Text(s, "env_file.0.required"));
        Assert.Contains("MicroAI__Security__", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docker", "microai.env.example")), StringComparison.Ordinal);
    }
}
