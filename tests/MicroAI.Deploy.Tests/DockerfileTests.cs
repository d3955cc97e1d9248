using MicroAI.Tests.Shared;

namespace MicroAI.Deploy.Tests;

/// <summary>
/// What can be checked of the images without a container engine: multi-stage, the runtime stage
/// has no SDK, runs as a non-root user with a health check on /health, and every file the build
/// copies exists in the repository and is not excluded by .dockerignore.
/// </summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new() { "Dockerfile", "Dockerfile.cuda", "Dockerfile.jetson" };

    private static Dockerfile Read(string name) =>
        Dockerfile.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docker", name)));

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Runtime_stage_carries_no_sdk_and_runs_the_published_executable(string name)
    {
        var file = Read(name);
        Assert.True(file.Stages.Count >= 2, "multi-stage build");
        var runtime = file.Stages[^1];
        Assert.DoesNotContain("dotnet/sdk", runtime.Image, StringComparison.Ordinal);
        Assert.DoesNotContain(runtime.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet ", StringComparison.Ordinal));
        Assert.Contains(runtime.Instructions, i => i.Keyword == "ENTRYPOINT" && i.Arguments.Contains("/app/microai", StringComparison.Ordinal));
        // What it runs was built by an earlier stage of this file, with the shared publish script.
        var copyFrom = Assert.Single(runtime.Instructions, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=", StringComparison.Ordinal));
        var from = copyFrom.Arguments["--from=".Length..].Split(' ')[0];
        var build = Assert.Single(file.Stages, s => s.Name == from);
        Assert.Contains(build.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("docker/publish.sh", StringComparison.Ordinal));
        Assert.Contains("dotnet/sdk", build.Image, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Runs_as_non_root_with_a_health_check_on_health_and_data_on_a_volume(string name)
    {
        var runtime = Read(name).Stages[^1].Instructions;
        var user = Assert.Single(runtime, i => i.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });
        Assert.True(runtime.FindIndex(i => i.Keyword == "USER") > runtime.FindLastIndex(i => i.Keyword == "RUN"), "USER comes after the last RUN");
        var health = Assert.Single(runtime, i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.Contains("http://127.0.0.1:8080/health", health, StringComparison.Ordinal);
        Assert.Contains(runtime, i => i.Keyword == "RUN" && i.Arguments.Contains("curl", StringComparison.Ordinal));
        Assert.Contains(runtime, i => i.Keyword == "VOLUME" && i.Arguments.Contains("/data", StringComparison.Ordinal));
        var env = string.Join(" ", runtime.Where(i => i.Keyword == "ENV").Select(i => i.Arguments));
        Assert.Contains("MicroAI__DataDirectory=/data", env, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS=http://+:8080", env, StringComparison.Ordinal);
        Assert.Contains(runtime, i => i.Keyword == "EXPOSE" && i.Arguments == "8080");
    }

    [Theory, MemberData(nameof(Dockerfiles))]
    public void Every_copied_path_exists_and_is_in_the_build_context(string name)
    {
        var ignored = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, ".dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var copies = Read(name).Stages.SelectMany(s => s.Instructions)
            .Where(i => i.Keyword is "COPY" or "ADD" && !i.Arguments.StartsWith("--from=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(copies);
        foreach (var copy in copies)
        {
            var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
            foreach (var source in words[..^1])
            {
                var path = Path.Combine(TestPaths.RepoRoot, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{name} line {copy.Line}: {source} does not exist");
                Assert.DoesNotContain(ignored, pattern => source.TrimEnd('/') == pattern.TrimEnd('/') || source.StartsWith(pattern, StringComparison.Ordinal));
            }
        }
        // The server project builds from what is copied: its project references are all inside it.
        var copied = copies.SelectMany(c => c.Arguments.Split(' ')).Where(w => w.EndsWith('/')).ToHashSet();
        foreach (var reference in System.Xml.Linq.XDocument.Load(Path.Combine(TestPaths.RepoRoot, "server/MicroAI.Server/MicroAI.Server.csproj"))
                     .Descendants("ProjectReference").Select(r => r.Attribute("Include")?.Value).OfType<string>())
        {
            var top = reference.Replace("../../", "", StringComparison.Ordinal).Split('/')[0] + "/";
            Assert.Contains(top, copied);
        }
    }

    [Fact]
    public void Cpu_image_is_multi_arch_and_gpu_images_choose_their_natives()
    {
        var cpu = Read("Dockerfile");
        Assert.Contains("--platform=$BUILDPLATFORM", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docker", "Dockerfile")), StringComparison.Ordinal);
        Assert.Contains(cpu.Stages[0].Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("\"$TARGETARCH\" cpu", StringComparison.Ordinal));

        var cuda = Read("Dockerfile.cuda");
        Assert.StartsWith("nvidia/cuda:12", cuda.Stages[^1].Image, StringComparison.Ordinal);
        Assert.Contains(cuda.Stages[0].Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("amd64 cuda", StringComparison.Ordinal) && i.Arguments.Contains("-p:OnnxRuntimeVariant=cuda", StringComparison.Ordinal));

        var jetson = Read("Dockerfile.jetson");
        var llama = Assert.Single(jetson.Stages, s => s.Name == "llama");
        Assert.Contains("l4t-jetpack", llama.Image, StringComparison.Ordinal);
        Assert.Contains(llama.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains("-DGGML_CUDA=ON", StringComparison.Ordinal));
        Assert.Contains(jetson.Stages.SelectMany(s => s.Instructions), i => i.Keyword == "RUN" && i.Arguments.Contains("LlamaNativesDir=/llama-natives", StringComparison.Ordinal));
    }

    [Fact]
    public void The_pinned_versions_in_the_images_match_the_build()
    {
        var targets = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "backends/MicroAI.Engines.LlamaCpp/Native/LlamaNatives.targets"));
        var version = System.Text.RegularExpressions.Regex.Match(targets, "<LlamaCppNpmVersion>([^<]+)<").Groups[1].Value;
        Assert.Contains("NODE_LLAMA_CPP_VERSION=" + version, File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docker", "Dockerfile.jetson")), StringComparison.Ordinal);

        // ONNX Runtime comes from NuGet with the build's own version; the images name no other source.
        var ortTargets = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "backends/MicroAI.Engines.Onnx/Native/OnnxRuntimeNatives.targets"));
        var ort = System.Text.RegularExpressions.Regex.Match(ortTargets, "<OnnxRuntimeVersion>([^<]+)<").Groups[1].Value;
        Assert.Matches(@"^\d+\.\d+\.\d+$", ort);
        Assert.Contains($"Microsoft.ML.OnnxRuntime.Gpu.Linux` {ort}", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docker", "README.md")), StringComparison.Ordinal);
        foreach (var dockerfile in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, "docker"), "Dockerfile*"))
            Assert.DoesNotContain("onnxruntime-node", File.ReadAllText(dockerfile), StringComparison.Ordinal);
    }
}
