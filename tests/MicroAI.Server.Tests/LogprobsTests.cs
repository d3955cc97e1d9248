using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace MicroAI.Server.Tests;

/// <summary>logprobs / top_logprobs on chat and legacy completions, with the official client and raw HTTP.</summary>
[Collection(ServerCollection.Name)]
public sealed class LogprobsTests(ServerFixture server)
{
    [Fact]
    public async Task The_official_client_reads_greedy_token_logprobs_whose_text_is_the_content()
    {
        var chat = server.OpenAI.GetChatClient(ServerFixture.StoriesModel);
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 12, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 };

        ChatCompletion reply = await chat.CompleteChatAsync([new UserChatMessage("Once upon a time")], options);

        var tokens = reply.ContentTokenLogProbabilities;
        Assert.Equal(reply.Usage.OutputTokenCount, tokens.Count);
        Assert.Equal(reply.Content[0].Text, string.Concat(tokens.Select(t => t.Token)));
        foreach (var t in tokens)
        {
            Assert.InRange(t.LogProbability, float.MinValue, 0f);
            Assert.Equal(3, t.TopLogProbabilities.Count);
            // Greedy: the chosen token is the most likely one, and alternatives come best first.
            Assert.Equal(t.Token, t.TopLogProbabilities[0].Token);
            Assert.Equal(t.LogProbability, t.TopLogProbabilities[0].LogProbability, 1e-5f);
            Assert.True(t.TopLogProbabilities[0].LogProbability >= t.TopLogProbabilities[1].LogProbability);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(t.Token), t.Utf8Bytes!.Value.ToArray());
            // A distribution: the alternatives' probabilities add up to at most 1.
            Assert.InRange(t.TopLogProbabilities.Sum(a => Math.Exp(a.LogProbability)), 0, 1 + 1e-4);
        }
    }

    [Fact]
    public async Task Legacy_completions_give_tokens_logprobs_alternatives_and_offsets_after_the_echo()
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/completions",
            """{"model":"stories260K","prompt":"Once upon a time","max_tokens":6,"temperature":0,"logprobs":2,"echo":true}""");

        Assert.True(200 == (int)response.StatusCode, text);
        var choice = body!["choices"]![0]!;
        var lp = choice["logprobs"]!;
        var tokens = lp["tokens"]!.AsArray().Select(t => (string)t!).ToArray();
        Assert.Equal((string)choice["text"]!, "Once upon a time" + string.Concat(tokens));
        Assert.Equal(6, lp["token_logprobs"]!.AsArray().Count);
        Assert.All(lp["top_logprobs"]!.AsArray(), alt => Assert.Equal(2, alt!.AsObject().Count));
        var offsets = lp["text_offset"]!.AsArray().Select(o => (int)o!).ToArray();
        Assert.Equal("Once upon a time".Length, offsets[0]);
        for (var i = 1; i < offsets.Length; i++)
            Assert.Equal(offsets[i - 1] + tokens[i - 1].Length, offsets[i]);
    }

    [Fact]
    public async Task Streamed_chat_chunks_carry_the_logprobs_of_their_own_text()
    {
        var sse = await server.Http.PostStreamAsync("v1/chat/completions", JsonNode.Parse(
            """{"model":"stories260K","messages":[{"role":"user","content":"Tell me a story"}],"max_tokens":10,"temperature":0,"logprobs":true,"stream":true}""")!);

        Assert.Equal(200, sse.Status);
        var content = new System.Text.StringBuilder();
        var fromLogprobs = new System.Text.StringBuilder();
        foreach (var chunk in sse.Chunks)
        {
            var choice = chunk["choices"]!.AsArray().FirstOrDefault();
            if (choice?["delta"]?["content"] is { } c && (string?)c is { Length: > 0 } piece)
            {
                content.Append(piece);
                foreach (var t in choice["logprobs"]!["content"]!.AsArray())
                    fromLogprobs.Append((string)t!["token"]!);
            }
        }
        Assert.True(content.Length > 0);
        Assert.Equal(content.ToString(), fromLogprobs.ToString());
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"stories260K","messages":[{"role":"user","content":"x"}],"top_logprobs":2}""", "top_logprobs")]
    [InlineData("v1/chat/completions", """{"model":"stories260K","messages":[{"role":"user","content":"x"}],"logprobs":true,"top_logprobs":21}""", "top_logprobs")]
    [InlineData("v1/completions", """{"model":"stories260K","prompt":"x","logprobs":-1}""", "logprobs")]
    [InlineData("v1/completions", """{"model":"stories260K","prompt":"x","logprobs":21}""", "logprobs")]
    public async Task Out_of_range_logprob_requests_are_a_400_naming_the_field(string path, string json, string param)
    {
        var (response, body, _) = await server.Http.PostJsonAsync(path, json);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(param, (string?)body!["error"]!["param"]);
    }
}
