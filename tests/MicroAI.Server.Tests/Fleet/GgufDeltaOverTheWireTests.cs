using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using MicroAI.Tests.Shared;
using Xunit.Abstractions;

namespace MicroAI.Server.Tests.Fleet;

/// <summary>
/// The issue's two delta cases on stories260K, over the wire to a real registry and back: v2 with about
/// 10% of its tensor bytes rewritten, scattered over the layers as a fine-tune of some projections, uploads
/// and downloads at most 20% of the model; v2 with only a new chat template moves no more than the new
/// GGUF header (and the small config blob).
/// </summary>
public sealed class GgufDeltaOverTheWireTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_fine_tune_moves_a_fifth_at_most_and_a_new_template_only_the_header()
    {
        await using var registry = await DockerRegistry.StartAsync();
        using var data = new TempDataDirectory();
        var settings = new OciSettings { Logins = new DockerConfigFile(Path.Combine(data.Path, "logins.json")) };
        settings.Logins.Save(registry.Host, new RegistryCredential(DockerRegistry.User, DockerRegistry.Password));
        using var http = HttpBlobDownloader.CreateHttpClient();

        var v1 = StoriesFile.Path;
        var size = new FileInfo(v1).Length;
        var (dataOffset, tensors) = GgufFileEditor.Read(v1);
        var tuned = Path.Combine(data.Path, "tuned.gguf");
        GgufFileEditor.RewriteTensors(v1, tuned, ScatteredProjections(tensors, 0.10 * (size - dataOffset)));
        var templated = Path.Combine(data.Path, "templated.gguf");
        GgufFileEditor.SetString(v1, templated, "tokenizer.chat_template", "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}\n{% endfor %}<|assistant|>");
        var newHeader = GgufFileEditor.Read(templated).DataOffset;

        var source = new ModelStore(Path.Combine(data.Path, "source"));
        foreach (var (file, name) in new[] { (v1, "m:v1"), (tuned, "m:tuned"), (templated, "m:templated") })
            Assert.True((await source.ImportAsync(new ImportRequest(file, name), null, CancellationToken.None)).Success);
        var push = new OciRegistry(source, http, settings);
        var uploaded = new Dictionary<string, long>();
        foreach (var tag in new[] { "v1", "tuned", "templated" })
        {
            var pushed = await push.PushAsync($"m:{tag}", $"{registry.Host}/delta/m:{tag}", null, CancellationToken.None);
            Assert.True(pushed.Success, pushed.Error);
            uploaded[tag] = pushed.Result!.BytesUploaded;
        }

        var downloaded = new Dictionary<string, long>();
        foreach (var tag in new[] { "v1", "tuned", "templated" })
        {
            // Each v2 into a box that holds only v1.
            var box = new ModelStore(Path.Combine(data.Path, "box-" + tag));
            var pull = new OciRegistry(box, http, settings);
            if (tag != "v1")
                Assert.True((await pull.PullAsync(new PullRequest($"{registry.Host}/delta/m:v1", "m:v1"), null, CancellationToken.None)).Success);
            long bytes = 0;
            var result = await pull.PullAsync(new PullRequest($"{registry.Host}/delta/m:{tag}", $"m:{tag}"), new Recorder(p => bytes = Math.Max(bytes, p.Total ?? 0)), CancellationToken.None);
            Assert.True(result.Success, result.Error);
            Assert.Equal(await File.ReadAllBytesAsync(tag == "v1" ? v1 : tag == "tuned" ? tuned : templated), await File.ReadAllBytesAsync(box.PathOf(result.Manifest!.MainFile!)));
            downloaded[tag] = bytes;
        }

        output.WriteLine($"stories260K {size:N0} bytes (header {dataOffset:N0}; new-template header {newHeader:N0})");
        foreach (var tag in new[] { "v1", "tuned", "templated" })
            output.WriteLine($"{tag}: uploaded {uploaded[tag]:N0} ({(double)uploaded[tag] / size:P1}), downloaded over v1 {downloaded[tag]:N0} ({(double)downloaded[tag] / size:P1})");
        Assert.True(uploaded["tuned"] <= size / 5, $"the fine-tune uploaded {uploaded["tuned"]} of {size} bytes");
        Assert.True(downloaded["tuned"] <= size / 5, $"the fine-tune downloaded {downloaded["tuned"]} of {size} bytes");
        // The new header, plus the config blob (a couple of KB: it names every chunk).
        Assert.True(uploaded["templated"] <= newHeader + 16 * 1024, $"the template change uploaded {uploaded["templated"]} bytes; the header is {newHeader}");
        Assert.True(downloaded["templated"] <= newHeader + 16 * 1024, $"the template change downloaded {downloaded["templated"]} bytes; the header is {newHeader}");
    }

    /// <summary>Projection tensors adding up to <paramref name="goal"/> bytes: every other layer, a different projection each time.</summary>
    private static List<string> ScatteredProjections(IReadOnlyList<GgufFileEditor.TensorExtent> tensors, double goal)
    {
        string[] kinds = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];
        var byName = tensors.ToDictionary(t => t.Name);
        var layers = tensors.Count(t => t.Name.EndsWith(".attn_q.weight", StringComparison.Ordinal));
        var chosen = new List<string>();
        long sum = 0;
        for (var round = 0; round < kinds.Length && sum < goal; round++)
        {
            for (var layer = round % 2; layer < layers && sum < goal; layer += 2)
            {
                var name = $"blk.{layer}.{kinds[(layer + round) % kinds.Length]}.weight";
                if (!chosen.Contains(name) && byName.TryGetValue(name, out var t))
                {
                    chosen.Add(name);
                    sum += t.Length;
                }
            }
        }
        Assert.True(sum >= goal, $"only {sum} bytes of projections");
        return chosen;
    }

    private sealed class Recorder(Action<PullProgress> report) : IProgress<PullProgress>
    {
        public void Report(PullProgress value) => report(value);
    }
}
