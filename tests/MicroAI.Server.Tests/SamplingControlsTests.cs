using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests;

/// <summary>/tokenize and /detokenize, logit_bias, and the raw GBNF grammar extension.</summary>
[Collection(ServerCollection.Name)]
public sealed class SamplingControlsTests(ServerFixture server)
{
    [Fact]
    public async Task Tokenize_and_detokenize_round_trip_and_pieces_are_the_token_texts()
    {
        var (_, tokens, _) = await server.Http.PostJsonAsync("tokenize", """{"content":"Once upon a time","add_special":true}""");
        var (_, pieces, _) = await server.Http.PostJsonAsync("tokenize", """{"content":"Once upon a time","with_pieces":true}""");
        var ids = tokens!["tokens"]!.AsArray().Select(t => (int)t!).ToArray();
        var (_, text, _) = await server.Http.PostJsonAsync("detokenize", new JsonObject { ["tokens"] = new JsonArray(ids.Skip(1).Select(i => (JsonNode)i).ToArray()) });

        Assert.Equal(1, ids[0]); // BOS
        Assert.Equal("Once upon a time", ((string)text!["content"]!).TrimStart());
        var pieceList = pieces!["tokens"]!.AsArray();
        Assert.Equal(ids.Skip(1), pieceList.Select(p => (int)p!["id"]!));
        Assert.Equal(((string)text["content"]!), string.Concat(pieceList.Select(p => (string)p!["piece"]!)));
    }

    [Fact]
    public async Task Bad_tokenize_requests_are_400s()
    {
        var (missing, _, _) = await server.Http.PostJsonAsync("tokenize", "{}");
        var (outside, body, _) = await server.Http.PostJsonAsync("detokenize", """{"tokens":[1,99999]}""");

        Assert.Equal(400, (int)missing.StatusCode);
        Assert.Equal(400, (int)outside.StatusCode);
        Assert.Equal("tokens", (string?)body!["error"]!["param"]);
    }

    [Fact]
    public async Task Logit_bias_bans_or_forces_tokens()
    {
        var (_, plain, _) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":"Once upon a time","max_tokens":1,"temperature":0,"logprobs":0}""");
        var first = (string)plain!["choices"]![0]!["text"]!;
        // The id of that token in context: the last token of the prompt followed by it.
        var (_, firstIds, _) = await server.Http.PostJsonAsync("tokenize", new JsonObject { ["content"] = "Once upon a time" + first });
        var firstId = (int)firstIds!["tokens"]!.AsArray()[^1]!;

        var (_, banned, _) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":"Once upon a time","max_tokens":1,"temperature":0,"logit_bias":{""" + $"\"{firstId}\":-100" + "}}");
        var (_, forced, _) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":"Once upon a time","max_tokens":3,"temperature":0,"logit_bias":{"300":100}}""");
        var (_, piece300, _) = await server.Http.PostJsonAsync("detokenize", """{"tokens":[300]}""");

        Assert.NotEqual(first, (string)banned!["choices"]![0]!["text"]!);
        var p = (string)piece300!["content"]!;
        Assert.Equal(p + p + p, (string)forced!["choices"]![0]!["text"]!);
    }

    [Theory]
    [InlineData("""{"prompt":"x","logit_bias":{"abc":1}}""", "logit_bias")]
    [InlineData("""{"prompt":"x","logit_bias":{"5":101}}""", "logit_bias")]
    [InlineData("""{"prompt":"x","logit_bias":{"99999":1}}""", "logit_bias")]
    [InlineData("""{"prompt":"x","grammar":"root ::= nope"}""", "grammar")]
    public async Task Bad_bias_and_grammar_are_400s_naming_the_field(string json, string param)
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/completions", json);

        Assert.True(400 == (int)response.StatusCode, text);
        Assert.Equal(param, (string?)body!["error"]!["param"]);
    }

    [Fact]
    public async Task A_raw_grammar_constrains_the_answer()
    {
        var (response, body, text) = await server.Http.PostJsonAsync("v1/chat/completions",
            """{"messages":[{"role":"user","content":"Is the sky blue?"}],"max_tokens":10,"temperature":0,"grammar":"root ::= (\"yes\" | \"no\") \".\""}""");

        Assert.True(200 == (int)response.StatusCode, text);
        Assert.Contains((string)body!["choices"]![0]!["message"]!["content"]!, (string[])["yes.", "no."]);
    }

    [Fact]
    public async Task Suffix_needs_a_model_with_fill_in_the_middle_tokens_and_text_prompts()
    {
        var (noFim, body, _) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":"def add(a, b):\n","suffix":"\n    return c","max_tokens":4}""");
        var (tokens, tokenBody, _) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":[1,2,3],"suffix":"x","max_tokens":4}""");

        Assert.Equal(400, (int)noFim.StatusCode);
        Assert.Equal("suffix", (string?)body!["error"]!["param"]);
        Assert.Contains("fill-in-the-middle", (string?)body["error"]!["message"]);
        Assert.Equal(400, (int)tokens.StatusCode);
        Assert.Equal("suffix", (string?)tokenBody!["error"]!["param"]);
    }

    [Fact]
    public async Task N_greedy_choices_share_one_prefill_and_all_equal_the_single_answer()
    {
        var (_, one, _) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":"Once upon a time","max_tokens":24,"temperature":0}""");
        var (_, four, text) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":"Once upon a time","max_tokens":24,"temperature":0,"n":4}""");
        var (_, seeded, _) = await server.Http.PostJsonAsync("v1/completions", """{"prompt":"Once upon a time","max_tokens":24,"temperature":1.5,"seed":7,"n":4}""");

        var expected = (string)one!["choices"]![0]!["text"]!;
        var choices = four!["choices"]!.AsArray();
        Assert.Equal(4, choices.Count);
        Assert.All(choices, c => Assert.Equal(expected, (string?)c!["text"]));
        Assert.Equal((int)one["usage"]!["prompt_tokens"]!, (int)four["usage"]!["prompt_tokens"]!);
        // Sampled choices copy the same prompt cache but draw with their own seeds.
        Assert.True(seeded!["choices"]!.AsArray().Select(c => (string?)c!["text"]).Distinct().Count() > 1, text);
    }
}
