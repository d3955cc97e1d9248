using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// A server whose model follows a tag in a real registry (MicroAI:Models:chat:Follow): the first
/// version is pulled and served; the tag moved under a client loop rolls the new version out with no
/// failed request; a version that cannot load leaves the old one serving with the error in the model's
/// status; `microai rollback` returns to the previous version, which the follower then leaves alone.
/// </summary>
public sealed class FollowTagTests
{
    private static JsonObject Greedy() => new() { ["model"] = "chat", ["prompt"] = "Once upon a time", ["temperature"] = 0, ["max_tokens"] = 24 };

    private static async Task<string?> AnswerAsync(HttpClient http)
    {
        var (response, body, _) = await http.PostJsonAsync("v1/completions", Greedy());
        return response.StatusCode == HttpStatusCode.OK ? (string?)body!["choices"]![0]!["text"] : null;
    }

    private static async Task<JsonNode> FollowAsync(RegistryTestServer server)
    {
        using var response = await server.Http.GetAsync("api/models/chat");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["follow"]!;
    }

    /// <summary>The status is written just after the switch, so a request may be answered by the new version a moment before it says so.</summary>
    private static Task WaitForCurrentAsync(RegistryTestServer server, string digest) =>
        WaitForAsync(async () => (string?)(await FollowAsync(server))["current_digest"] == digest ? "yes" : null, TimeSpan.FromSeconds(10), $"the status to name {digest}");

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
                return value;
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private static async Task<string> PushAsync(string publisher, string? file, string name, string reference)
    {
        if (file is not null)
            Assert.True((await MicroAICli.RunAsync(publisher, "import", file, "--name", name)).ExitCode == 0);
        var push = await MicroAICli.RunAsync(publisher, "push", name, reference, "--json");
        Assert.True(push.ExitCode == 0, push.ToString());
        return (string)push.JsonLines[^1]["digest"]!;
    }

    [Fact]
    public async Task A_moved_tag_rolls_out_without_failures_a_broken_version_is_refused_and_rollback_goes_back()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var publisher = new TempDataDirectory();
        using var box = new TempDataDirectory();
        foreach (var data in new[] { publisher.Path, box.Path })
        {
            var login = await MicroAICli.RunWithInputAsync(data, DockerRegistry.Password + "\n", "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin");
            Assert.True(login.ExitCode == 0, login.ToString());
        }
        var reference = $"{registry.Host}/fleet/chat:stable";
        var v1 = await PushAsync(publisher.Path, StoriesFile.Path, "stories", reference);

        await using var server = await RegistryTestServer.StartAsync(box.Path,
            $"--MicroAI:Models:chat:Follow={reference}", "--MicroAI:Models:chat:FollowInterval=1s", "--MicroAI:Models:chat:FollowJitter=100ms");

        // A fresh box given only the reference pulls, verifies and serves the first version.
        var first = await WaitForAsync(() => AnswerAsync(server.Http), TimeSpan.FromSeconds(60), "the first version to be served");
        Assert.Equal(TestPaths.OnceUponATimeGreedy[..20], first[..20]);
        await WaitForCurrentAsync(server, v1);

        // The tag moves to another model while two clients send requests back to back.
        var answers = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (response, body, text) = await server.Http.PostJsonAsync("v1/completions", Greedy());
                if (response.StatusCode == HttpStatusCode.OK)
                    answers.Add((string)body!["choices"]![0]!["text"]!);
                else
                    failures.Add($"{(int)response.StatusCode} {text}");
            }
        })).ToList();
        var tinyAnswer = await AnswerOfAsync(TestPaths.TinyRandomLlama);
        var v2 = await PushAsync(publisher.Path, TestPaths.TinyRandomLlama, "tiny", reference);
        var moved = Stopwatch.StartNew();
        await WaitForAsync(async () => answers.Contains(tinyAnswer) ? "yes" : null, TimeSpan.FromSeconds(60), "the new version to be served");
        var toServing = moved.Elapsed;
        await Task.Delay(500);
        stop.Cancel();
        await Task.WhenAll(clients);

        Assert.True(failures.IsEmpty, $"{failures.Count} failed requests during the rollout, e.g. {failures.FirstOrDefault()}");
        Assert.All(answers, a => Assert.True(a == first || a == tinyAnswer, a));
        Assert.Equal(tinyAnswer, await AnswerAsync(server.Http));
        await WaitForCurrentAsync(server, v2);
        var follow = await FollowAsync(server);
        Assert.Equal(2, follow["versions"]!.AsArray().Count);
        Console.WriteLine($"tag move → new version serving: {toServing.TotalSeconds:F1} s ({answers.Count} answers, 0 failures)");

        // A version llama.cpp cannot load (an architecture it does not know): refused, the old one keeps serving.
        var broken = Path.Combine(publisher.Path, "broken.gguf");
        GgufFileEditor.SetString(TestPaths.TinyRandomLlama, broken, "general.architecture", "no-such-architecture");
        var v3 = await PushAsync(publisher.Path, broken, "broken", reference);
        var error = await WaitForAsync(async () => (string?)(await FollowAsync(server))["last_error"], TimeSpan.FromSeconds(60), "the broken version to fail");
        Assert.Contains(v3, error);
        Assert.Equal(tinyAnswer, await AnswerAsync(server.Http));
        Assert.Equal(v2, (string?)(await FollowAsync(server))["current_digest"]);

        // Back to the good version (the same artifact, so the same digest), then rollback: the previous version serves and stays.
        Assert.Equal(v2, await PushAsync(publisher.Path, null, "tiny", reference));
        var rollback = await MicroAICli.RunAsync(box.Path, "rollback", "chat", "--json", $"--MicroAI:Models:chat:Follow={reference}");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal(v1, (string?)rollback.Json["digest"]);
        await WaitForAsync(async () => await AnswerAsync(server.Http) == first ? "yes" : null, TimeSpan.FromSeconds(30), "the rolled-back version to be served");
        await Task.Delay(2500); // two more checks of a tag that still names v2
        Assert.Equal(first, await AnswerAsync(server.Http));
        Assert.Equal(v2, (string?)(await FollowAsync(server))["rolled_back_from"]);
    }

    /// <summary>The greedy answer of a model file, from a throwaway server.</summary>
    private static async Task<string> AnswerOfAsync(string file)
    {
        using var data = new TempDataDirectory();
        Assert.True((await MicroAICli.RunAsync(data.Path, "import", file, "--name", "chat")).ExitCode == 0);
        await using var server = await RegistryTestServer.StartAsync(data.Path);
        return (await AnswerAsync(server.Http))!;
    }

    [Fact]
    public async Task A_fresh_box_with_a_reference_and_a_public_key_serves_the_signed_version_and_refuses_unsigned_or_corrupt_ones()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var publisher = new TempDataDirectory();
        using var box = new TempDataDirectory();
        var keys = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            foreach (var data in new[] { publisher.Path, box.Path })
                Assert.True((await MicroAICli.RunWithInputAsync(data, DockerRegistry.Password + "\n", "login", registry.Host, "-u", DockerRegistry.User, "--password-stdin")).ExitCode == 0);
            var keygen = await MicroAICli.RunAsync(publisher.Path, "keygen", "--output", Path.Combine(keys, "release"), "--json");
            var publicKey = (string)keygen.Json["public_key"]!;
            var reference = $"{registry.Host}/fleet/chat:stable";
            var v1 = await PushAsync(publisher.Path, StoriesFile.Path, "stories", reference);
            Assert.True((await MicroAICli.RunAsync(publisher.Path, "sign", reference, "--key", Path.Combine(keys, "release.key"))).ExitCode == 0);

            await using var server = await RegistryTestServer.StartAsync(box.Path,
                $"--MicroAI:Models:chat:Follow={reference}", "--MicroAI:Models:chat:FollowInterval=1s", "--MicroAI:Models:chat:FollowJitter=100ms",
                $"--MicroAI:Trust:PublicKeys:0={publicKey}", $"--MicroAI:Trust:RequireSignature:0={registry.Host}/fleet/");
            var first = await WaitForAsync(() => AnswerAsync(server.Http), TimeSpan.FromSeconds(60), "the signed version to be served");
            Assert.Equal(TestPaths.OnceUponATimeGreedy[..20], first[..20]);
            await WaitForCurrentAsync(server, v1);

            // Unsigned: refused by the trust policy, the signed version serves on.
            var v2 = await PushAsync(publisher.Path, TestPaths.TinyRandomLlama, "tiny", reference);
            var unsigned = await WaitForAsync(async () => (string?)(await FollowAsync(server))["last_error"], TimeSpan.FromSeconds(60), "the unsigned version to be refused");
            Assert.Contains("trust policy", unsigned);
            Assert.Contains(v2, unsigned);
            Assert.Equal(first, await AnswerAsync(server.Http));

            // Signed, but a blob altered in the registry's storage: the digest check refuses it.
            Assert.True((await MicroAICli.RunAsync(publisher.Path, "sign", reference, "--key", Path.Combine(keys, "release.key"))).ExitCode == 0);
            using (var request = new HttpRequestMessage(HttpMethod.Get, $"v2/fleet/chat/manifests/stable"))
            {
                request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
                using var response = await registry.Http.SendAsync(request);
                var layers = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["layers"]!.AsArray();
                var largest = layers.OrderByDescending(l => (long)l!["size"]!).First()!;
                var file = registry.BlobFile((string)largest["digest"]!);
                var bytes = await File.ReadAllBytesAsync(file);
                bytes[bytes.Length / 2] ^= 0xFF;
                await File.WriteAllBytesAsync(file, bytes);
            }
            var corrupt = await WaitForAsync(async () => (string?)(await FollowAsync(server))["last_error"] is { } e && e.Contains("digest", StringComparison.OrdinalIgnoreCase) && !e.Contains("trust policy") ? e : null,
                TimeSpan.FromSeconds(60), "the corrupt version to be refused");
            Assert.Contains(v2, corrupt);
            Assert.Equal(first, await AnswerAsync(server.Http));
            Assert.Equal(v1, (string?)(await FollowAsync(server))["current_digest"]);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}
