using System.Text.Json.Nodes;
using MicroAI.Tests.Shared;

namespace MicroAI.Server.Tests.Inference;

/// <summary>/v1/classifications on every shipped ONNX model and on test-written text classifiers.</summary>
[Collection(InferenceCollection.Name)]
public sealed class ClassificationsApiTests(InferenceServerFixture server)
{
    private const string PythonSample = """
        import os
        import sys

        def main(argv):
            for name in sorted(os.listdir(argv[1])):
                if name.endswith(".py"):
                    print(name)
            return 0

        if __name__ == "__main__":
            sys.exit(main(sys.argv))
        """;

    private const string JsonSample = """
        {
          "name": "microai",
          "version": "1.0.0",
          "models": [{"id": "stories260K", "format": "gguf", "size": 1185376}, {"id": "magika", "format": "onnx"}],
          "settings": {"threads": 2, "keep_alive": "5m", "cors": false}
        }
        """;

    private const string CSharpSample = """
        using System;
        using System.Collections.Generic;

        namespace Demo;

        public sealed class Counter
        {
            private readonly Dictionary<string, int> _counts = new();

            public void Add(string word)
            {
                _counts[word] = _counts.TryGetValue(word, out var n) ? n + 1 : 1;
            }

            public override string ToString() => string.Join(", ", _counts);
        }
        """;

    private const string HtmlSample = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>MicroAI</title>
          <link rel="stylesheet" href="style.css">
        </head>
        <body>
          <h1>Local inference</h1>
          <p>Models run on <a href="/devices">your own hardware</a>.</p>
          <ul><li>Chat</li><li>Embeddings</li></ul>
        </body>
        </html>
        """;

    [Theory]
    [InlineData(PythonSample, "python")]
    [InlineData(JsonSample, "json")]
    [InlineData(CSharpSample, "cs")]
    [InlineData(HtmlSample, "html")]
    public async Task Magika_names_the_content_type_of_source_samples(string sample, string expected)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/classifications", new JsonObject { ["model"] = InferenceServerFixture.Magika, ["input"] = sample });

        Assert.True(200 == (int)response.StatusCode, text);
        var top = body!["data"]![0]!["labels"]![0]!;
        Assert.Equal(expected, (string?)top["label"]);
        // Above Magika's medium-confidence threshold, so the verdict is the model's own label (the short HTML sample scores ≈0.85; the others ≈1).
        Assert.True((float)top["score"]! > 0.8f, text);
    }

    [Fact]
    public async Task Magika_classifies_a_batch_of_base64_content_and_very_short_content_as_text()
    {
        var inputs = new JsonArray(
            new JsonObject { ["bytes"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(PythonSample)) },
            "hi",
            new JsonObject { ["bytes"] = Convert.ToBase64String([0xff, 0xfe, 0x00]) },
            JsonSample);

        var (response, body, text) = await server.Http.PostJsonAsync("v1/classifications", new JsonObject { ["model"] = InferenceServerFixture.Magika, ["input"] = inputs, ["top_k"] = 3 });

        Assert.True(200 == (int)response.StatusCode, text);
        var data = body!["data"]!.AsArray();
        Assert.Equal(["python", "txt", "unknown", "json"], data.Select(d => (string?)d!["labels"]![0]!["label"]));
        Assert.Equal(3, data[0]!["labels"]!.AsArray().Count);
        Assert.Equal([0, 1, 2, 3], data.Select(d => (int)d!["index"]!));
    }

    [Fact]
    public async Task Mnist_reads_the_eight()
    {
        var png = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(TestPaths.MnistFolder, "mnist_28.png")));

        var (response, body, text) = await server.Http.PostJsonAsync("v1/classifications",
            new JsonObject { ["model"] = InferenceServerFixture.Mnist, ["input"] = new JsonObject { ["image"] = "data:image/png;base64," + png } });

        Assert.True(200 == (int)response.StatusCode, text);
        Assert.Equal("8", (string?)body!["data"]![0]!["labels"]![0]!["label"]);
    }

    [Fact]
    public async Task SqueezeNet_in_float16_sees_a_tabby_cat()
    {
        var png = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(TestPaths.SqueezeNetFolder, "kitten_224.png")));

        var (response, body, text) = await server.Http.PostJsonAsync("v1/classifications",
            new JsonObject { ["model"] = InferenceServerFixture.SqueezeNet, ["input"] = new JsonArray(new JsonObject { ["image"] = png }) });

        Assert.True(200 == (int)response.StatusCode, text);
        var top = body!["data"]![0]!["labels"]![0]!;
        Assert.Equal("tabby, tabby cat", (string?)top["label"]);
        Assert.True((float)top["score"]! > 0.8f, text);
    }

    [Fact]
    public async Task A_text_classifier_returns_softmax_scores_and_a_multi_label_one_sigmoid_scores()
    {
        var (_, single, _) = await server.Http.PostJsonAsync("v1/classifications", new JsonObject { ["model"] = InferenceServerFixture.Sentiment, ["input"] = new JsonArray("the cat sat on the mat", "paris") });
        var (_, multi, _) = await server.Http.PostJsonAsync("v1/classifications", new JsonObject { ["model"] = InferenceServerFixture.Topics, ["input"] = "dogs in france", ["top_k"] = 0 });

        foreach (var (index, text) in new[] { (0, "the cat sat on the mat"), (1, "paris") })
        {
            var expected = server.SentimentModel.ExpectedScores(text);
            var labels = single!["data"]![index]!["labels"]!.AsArray();
            foreach (var l in labels)
                Assert.Equal(expected[server.SentimentModel.Labels.ToList().IndexOf((string)l!["label"]!)], (float)l["score"]!, 1e-6f);
            Assert.True((float)labels[0]!["score"]! >= (float)labels[1]!["score"]!);
        }
        var multiExpected = server.TopicsModel.ExpectedScores("dogs in france");
        var multiLabels = multi!["data"]![0]!["labels"]!.AsArray();
        Assert.Equal(3, multiLabels.Count);
        foreach (var l in multiLabels)
            Assert.Equal(multiExpected[server.TopicsModel.Labels.ToList().IndexOf((string)l!["label"]!)], (float)l["score"]!, 1e-6f);
        Assert.True((int)single!["usage"]!["prompt_tokens"]! > 0);
    }

    [Theory]
    [InlineData("sentiment", """{"image":"data:image/png;base64,iVBORw0KGgo="}""", "invalid_input_kind")]
    [InlineData("mnist", "\"a digit\"", "invalid_input_kind")]
    [InlineData("magika", """{"image":"data:image/png;base64,iVBORw0KGgo="}""", "invalid_input_kind")]
    [InlineData("mnist", """{"image":"data:image/png;base64,not base64!"}""", "invalid_image")]
    [InlineData("mnist", """{"image":"https://example.com/cat.png"}""", "invalid_image")]
    [InlineData("mnist", """{"image":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="}""", "invalid_value")]
    [InlineData("magika", """{"bytes":"%%%"}""", "invalid_value")]
    [InlineData("sentiment", "\"\"", "invalid_value")]
    public async Task The_wrong_kind_of_input_or_an_unusable_image_is_a_400_saying_what_the_model_takes(string model, string input, string code)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/classifications", $$"""{"model":"{{model}}","input":{{input}}}""");

        Assert.True(400 == (int)response.StatusCode, text);
        Assert.Equal(code, (string?)body!["error"]!["code"]);
        Assert.StartsWith("input", (string?)body["error"]!["param"]);
    }

    [Fact]
    public async Task Empty_and_oversized_batches_and_models_that_do_not_classify_are_refused()
    {
        var (empty, _, _) = await server.Http.PostJsonAsync("v1/classifications", """{"model":"sentiment","input":[]}""");
        var big = new JsonArray(Enumerable.Range(0, 300).Select(_ => (JsonNode)"cat").ToArray());
        var (tooMany, tooManyBody, _) = await server.Http.PostJsonAsync("v1/classifications", new JsonObject { ["model"] = "sentiment", ["input"] = big });
        var (notClassifier, notBody, _) = await server.Http.PostJsonAsync("v1/classifications", """{"model":"stories260K","input":"x"}""");
        var (negativeTopK, _, _) = await server.Http.PostJsonAsync("v1/classifications", """{"model":"sentiment","input":"x","top_k":-1}""");

        Assert.Equal(400, (int)empty.StatusCode);
        Assert.Equal(400, (int)tooMany.StatusCode);
        Assert.Contains("256", (string?)tooManyBody!["error"]!["message"]);
        Assert.Equal(400, (int)notClassifier.StatusCode);
        Assert.Equal("model_not_supported", (string?)notBody!["error"]!["code"]);
        Assert.Equal(400, (int)negativeTopK.StatusCode);
    }
}
