using MicroAI.ModelRegistry.Sources;

namespace MicroAI.ModelRegistry.Tests.Sources;

public sealed class ModelSourceUriTests
{
    private static readonly HuggingFaceOptions Hub = new();

    [Theory]
    [InlineData("hf://owner/repo/file.gguf", "https://huggingface.co/owner/repo/resolve/main/file.gguf", "file", "file.gguf")]
    [InlineData("HF://Owner/Repo.Name-GGUF/dir/sub/Model.Q4_K_M.gguf", "https://huggingface.co/Owner/Repo.Name-GGUF/resolve/main/dir/sub/Model.Q4_K_M.gguf", "model.q4_k_m", "Model.Q4_K_M.gguf")]
    [InlineData("hf://owner/repo@v1.0/file.gguf", "https://huggingface.co/owner/repo/resolve/v1.0/file.gguf", "file", "file.gguf")]
    [InlineData("hf://owner/repo@0123abcd/a b/Llama 2 (7B)+.gguf", "https://huggingface.co/owner/repo/resolve/0123abcd/a%20b/Llama%202%20%287B%29%2B.gguf", "llama-2--7b--", "Llama 2 (7B)+.gguf")]
    [InlineData("  hf://owner/repo/x.gguf  ", "https://huggingface.co/owner/repo/resolve/main/x.gguf", "x", "x.gguf")]
    public void Hf_sources_resolve_to_the_hub(string source, string expectedUrl, string name, string fileName)
    {
        Assert.True(ModelSourceUri.TryParse(source, Hub, out var uri, out var error), error);
        Assert.Null(error);
        Assert.Equal(expectedUrl, uri!.DownloadUri.AbsoluteUri);
        Assert.Equal("hf", uri.Kind);
        Assert.Equal(name, uri.SuggestedName);
        Assert.Equal(fileName, uri.FileName);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/o/r/resolve/main/f.gguf")]
    [InlineData("http://127.0.0.1:5000/mirror/", "http://127.0.0.1:5000/mirror/o/r/resolve/main/f.gguf")]
    [InlineData("https://hf-mirror.example/", "https://hf-mirror.example/o/r/resolve/main/f.gguf")]
    public void Hf_sources_use_the_configured_endpoint(string endpoint, string expectedUrl)
    {
        Assert.True(ModelSourceUri.TryParse("hf://o/r/f.gguf", new HuggingFaceOptions(endpoint), out var uri, out var error), error);
        Assert.Equal(expectedUrl, uri!.DownloadUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://example.invalid/models/Foo.Q4_K_M.gguf?download=true", "http", "foo.q4_k_m", "Foo.Q4_K_M.gguf")]
    [InlineData("http://127.0.0.1:8080/tiny%20model.gguf", "http", "tiny-model", "tiny model.gguf")]
    [InlineData("https://example.invalid/weights", "http", "weights", "weights")]
    [InlineData("https://example.invalid/.gguf", "http", "model", ".gguf")]
    public void Http_urls_are_taken_as_they_are(string source, string kind, string name, string fileName)
    {
        Assert.True(ModelSourceUri.TryParse(source, Hub, out var uri, out var error), error);
        Assert.Equal(new Uri(source.Trim()), uri!.DownloadUri);
        Assert.Equal(kind, uri.Kind);
        Assert.Equal(name, uri.SuggestedName);
        Assert.Equal(fileName, uri.FileName);
    }

    [Fact]
    public void A_hub_page_url_is_turned_into_the_file_url()
    {
        Assert.True(ModelSourceUri.TryParse("https://huggingface.co/o/r/blob/main/dir/f.gguf", Hub, out var uri, out var error), error);
        Assert.Equal("https://huggingface.co/o/r/resolve/main/dir/f.gguf", uri!.DownloadUri.AbsoluteUri);
        Assert.Equal("hf", uri.Kind);

        Assert.True(ModelSourceUri.TryParse("https://huggingface.co/o/r/resolve/main/f.gguf", Hub, out uri, out error), error);
        Assert.Equal("https://huggingface.co/o/r/resolve/main/f.gguf", uri!.DownloadUri.AbsoluteUri);
        Assert.Equal("hf", uri.Kind);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("ftp://example.invalid/x.gguf", "Unsupported")]
    [InlineData("file:///tmp/x.gguf", "Unsupported")]
    [InlineData("/tmp/x.gguf", "Unsupported")]
    [InlineData("s3://bucket/x.gguf", "Unsupported")]
    [InlineData("ollama://llama3", "Unsupported")]
    [InlineData("hf://owner/repo", "names no file")]
    [InlineData("hf://owner/repo/", "empty path segment")]
    [InlineData("hf://owner", "names no file")]
    [InlineData("hf://owner/x.gguf", "names no file")]
    [InlineData("hf://owner/repo/../x.gguf", "'..'")]
    [InlineData("hf://owner/repo/./x.gguf", "'..'")]
    [InlineData("hf://owner/repo//x.gguf", "empty path segment")]
    [InlineData("hf://../repo/x.gguf", "owner or repository")]
    [InlineData("hf://own er/repo/x.gguf", "owner or repository")]
    [InlineData("hf:///repo/x.gguf", "owner or repository")]
    [InlineData("hf://owner/repo@/x.gguf", "revision")]
    [InlineData("hf://owner/repo@a b/x.gguf", "revision")]
    [InlineData("hf://owner/repo/x.gguf?download=1", "'?'")]
    [InlineData("hf://owner/repo/dir\\x.gguf", "'\\'")]
    [InlineData("https://example.invalid/models/", "names no file")]
    [InlineData("https://example.invalid", "names no file")]
    [InlineData("https://user:secret@example.invalid/x.gguf", "credentials")]
    [InlineData("https://example.invalid/a%2Fb.gguf", "escaped")]
    public void Bad_sources_are_rejected_with_a_reason(string source, string reason)
    {
        Assert.False(ModelSourceUri.TryParse(source, Hub, out var uri, out var error));
        Assert.Null(uri);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_bad_endpoint_is_reported()
    {
        Assert.False(ModelSourceUri.TryParse("hf://o/r/f.gguf", new HuggingFaceOptions("not a url"), out _, out var error));
        Assert.Contains("HF_ENDPOINT", error);
    }

    [Fact]
    public void Options_come_from_the_environment_variables_huggingface_hub_reads()
    {
        Assert.Equal(new HuggingFaceOptions("https://huggingface.co", null), HuggingFaceOptions.FromEnvironment(_ => null));

        var all = new Dictionary<string, string> { ["HF_ENDPOINT"] = "http://127.0.0.1:9", ["HF_TOKEN"] = "hf_new", ["HUGGING_FACE_HUB_TOKEN"] = "hf_old" };
        Assert.Equal(new HuggingFaceOptions("http://127.0.0.1:9", "hf_new"), HuggingFaceOptions.FromEnvironment(all.GetValueOrDefault));

        var legacy = new Dictionary<string, string> { ["HF_TOKEN"] = " ", ["HUGGING_FACE_HUB_TOKEN"] = "hf_old" };
        Assert.Equal(new HuggingFaceOptions("https://huggingface.co", "hf_old"), HuggingFaceOptions.FromEnvironment(legacy.GetValueOrDefault));
    }
}
