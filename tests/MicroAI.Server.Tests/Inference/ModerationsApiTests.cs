using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Inference;

/// <summary>/v1/moderations answered by the configured classifier (label "negative" → category "harassment", threshold 0.6).</summary>
[Collection(InferenceCollection.Name)]
public sealed class ModerationsApiTests(InferenceServerFixture server)
{
    [Fact]
    public async Task Results_follow_openais_shape_with_scores_from_the_mapped_label()
    {
        // The sentiment test model's label 0 ("negative") gets 1 per word/punctuation token of even id, label 1 per odd id.
        var texts = new[] { "the cat sat on the mat", "paris" };
        var (response, body, text) = await server.Http.PostJsonAsync("v1/moderations", new JsonObject { ["input"] = new JsonArray(texts[0], texts[1]) });

        Assert.True(200 == (int)response.StatusCode, text);
        Assert.StartsWith("modr-", (string?)body!["id"]);
        Assert.Equal(InferenceServerFixture.Sentiment, (string?)body["model"]);
        var results = body["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            var negative = server.SentimentModel.ExpectedScores(texts[i])[0];
            var r = results[i]!;
            Assert.Equal(negative, (float)r["category_scores"]!["harassment"]!, 1e-6f);
            Assert.Equal(negative >= 0.6f, (bool)r["categories"]!["harassment"]!);
            Assert.Equal(negative >= 0.6f, (bool)r["flagged"]!);
            Assert.Equal("text", (string?)r["category_applied_input_types"]!["harassment"]![0]);
            Assert.Single(r["categories"]!.AsObject());
        }
    }

    [Fact]
    public async Task Text_parts_are_accepted_and_models_without_mapped_labels_or_images_are_refused()
    {
        var (parts, _, _) = await server.Http.PostJsonAsync("v1/moderations", """{"input":[{"type":"text","text":"the cat"}]}""");
        var (unmapped, unmappedBody, _) = await server.Http.PostJsonAsync("v1/moderations", """{"model":"topics","input":"cat"}""");
        var (notText, _, _) = await server.Http.PostJsonAsync("v1/moderations", """{"model":"magika","input":"cat"}""");
        var (image, imageBody, _) = await server.Http.PostJsonAsync("v1/moderations", """{"input":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}""");
        var (missing, missingBody, _) = await server.Http.PostJsonAsync("v1/moderations", """{}""");

        Assert.Equal(200, (int)parts.StatusCode);
        Assert.Equal(400, (int)unmapped.StatusCode);
        Assert.Contains("moderation category", (string?)unmappedBody!["error"]!["message"]);
        Assert.Equal(400, (int)notText.StatusCode);
        Assert.Equal(400, (int)image.StatusCode);
        Assert.Contains("not supported", (string?)imageBody!["error"]!["message"]);
        Assert.Equal("input", (string?)missingBody!["error"]!["param"]);
        Assert.Equal(400, (int)missing.StatusCode);
    }
}
