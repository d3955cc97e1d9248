using System.Text;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>
/// Every hostile request of the suite, generated (no randomness: the same cases every run, so a failure
/// names a case that can be replayed). Field mutations put each of <see cref="HostileValues"/> into every
/// field of every JSON endpoint; the structural cases break the body itself.
/// </summary>
internal static class HostileCaseGenerator
{
    /// <summary>Names (already URL-encoded where they go into a path) that no route may resolve to a file.</summary>
    public static IReadOnlyList<string> OddNames { get; } =
    [
        "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252fetc%252fpasswd",
        "/etc/passwd", "%2Fetc%2Fpasswd", "C:\\Windows\\win.ini", "..\\..\\windows\\win.ini", "model%00.gguf", "model\u0000.gguf",
        "stories260K/../../../etc/passwd", "....//....//etc/passwd", "~/.ssh/id_rsa", "./stories260K", "/dev/zero", "/proc/self/environ",
        "registry/blobs/..", ":latest", "name:", "a:b:c", "no-such-model", "NUL", "con", "\u202e\u0041\u0301", new string('a', 5000),
        new string('/', 300), "x/" + new string('y', 300) + ".gguf",
    ];

    public static IEnumerable<HostileCase> All()
    {
        foreach (var endpoint in HostileEndpoints.All)
        {
            foreach (var c in FieldMutations(endpoint)) yield return c;
            foreach (var c in NameCases(endpoint)) yield return c;
            foreach (var c in BodyCases(endpoint)) yield return c;
        }
        foreach (var c in PathNameCases()) yield return c;
        foreach (var c in SpecificCases()) yield return c;
        foreach (var c in HostileAnthropicCases.All()) yield return c;
    }

    internal static HostileCase Post(JsonEndpoint e, string kind, string json, Expect expect, string contentType = "application/json") =>
        new(e.Name, kind, HttpMethod.Post, e.Path, Encoding.UTF8.GetBytes(json), contentType, expect);

    private static HostileCase PostBytes(JsonEndpoint e, string kind, byte[] body, Expect expect) =>
        new(e.Name, kind, HttpMethod.Post, e.Path, body, "application/json", expect);

    /// <summary>The endpoint's valid body with <paramref name="field"/> set to raw JSON text.</summary>
    internal static string WithRaw(JsonObject body, string field, string raw)
    {
        const string Marker = "\u0001HOSTILE\u0001";
        var copy = body.DeepClone().AsObject();
        copy[field] = Marker;
        return copy.ToJsonString().Replace(System.Text.Json.JsonSerializer.Serialize(Marker), raw, StringComparison.Ordinal);
    }

    private static IEnumerable<HostileCase> FieldMutations(JsonEndpoint e)
    {
        foreach (var (field, kind) in e.Fields)
        {
            foreach (var (raw, label, bindsTo) in HostileValues.All)
            {
                // Ollama's length is inside "options": any object there without it is unbounded too.
                if ((raw == "null" || e.Name.StartsWith("ollama-", StringComparison.Ordinal) && bindsTo.Contains(FieldKind.Object)) && Unbounded(e, field))
                    continue;
                var expect = kind == FieldKind.Union || bindsTo.Contains(kind) ? Expect.Either : Expect.ClientError;
                // A streamed pull answers 200 and puts its failure into the NDJSON.
                if (e.Name == "api-pull" && field == "stream")
                    expect = Expect.Either;
                yield return Post(e, $"{field}={label}", WithRaw(e.ValidBody, field, raw), expect);
                // Streamed, a request must still be refused before the stream starts: a 4xx JSON error, not a 200 with an error event.
                if (e.Name is "chat" or "completions" or "responses" or "messages" && field != "stream")
                    yield return Post(e, $"{field}={label}, streamed", WithRaw(Streamed(e), field, raw), expect);
            }
        }
    }

    private static JsonObject Streamed(JsonEndpoint e)
    {
        var body = e.ValidBody.DeepClone().AsObject();
        body["stream"] = true;
        return body;
    }

    /// <summary>
    /// Chat and Responses without a length generate until the context is full: 2,048 tokens of stories260K,
    /// 13.7 s on this shared 2-core machine. That is correct behaviour and too slow to repeat here.
    /// </summary>
    private static bool Unbounded(JsonEndpoint e, string field) =>
        e.Name is "chat" or "responses" && field is "max_tokens" or "max_output_tokens"
        || e.Name is "ollama-generate" or "ollama-chat" && field == "options";

    private static IEnumerable<HostileCase> NameCases(JsonEndpoint e)
    {
        foreach (var field in e.NameFields)
        {
            foreach (var name in OddNames)
            {
                // api/tag's target and api/registry/pull's name only matter once the source exists; either way no 5xx.
                var expect = field is "target" or "name" ? Expect.Either : Expect.ClientError;
                var json = WithRaw(e.ValidBody, field, System.Text.Json.JsonSerializer.Serialize(name));
                yield return Post(e, $"{field}=odd name", json, e.BodySucceeds ? expect : Expect.ClientError);
            }
        }
    }

    private static IEnumerable<HostileCase> BodyCases(JsonEndpoint e)
    {
        var valid = e.ValidBody.ToJsonString();
        var ok = e.BodySucceeds ? Expect.Success : Expect.ClientError;
        var either = e.BodySucceeds ? Expect.Either : Expect.ClientError;
        string[] malformed =
        [
            "", " ", "{", "}", "[]", "[{}]", "\"text\"", "1", "-0", "true", "null", "{\"model\":}", "{'model':'x'}", "{model:1}",
            valid + "x", valid + valid, valid[..^1], valid[..(valid.Length / 2)], valid.Replace("}", ",}", StringComparison.Ordinal),
            "{/* comment */" + valid[1..], valid.Replace(":", "=", StringComparison.Ordinal), "{\"a\":01}", "{\"a\":.5}", "{\"a\":+1}",
            "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated}", "{\"a\":\"tab\there\"}",
            new string('[', 10_000) + new string(']', 10_000),
            new string('{', 1) + string.Concat(Enumerable.Repeat("\"a\":{", 10_000)) + new string('}', 10_001),
            valid[..^1] + ",\"deep\":" + new string('[', 10_000) + new string(']', 10_000) + "}",
        ];
        foreach (var body in malformed)
            yield return Post(e, "malformed JSON", body, Expect.ClientError);

        // Invalid UTF-8: before the object, inside a string value, an overlong '/', a lone surrogate, a cut sequence.
        byte[][] badBytes = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xFE, 0xFF]];
        foreach (var bad in badBytes)
        {
            yield return PostBytes(e, "invalid UTF-8 before body", [.. bad, .. Encoding.UTF8.GetBytes(valid)], Expect.ClientError);
            var marker = WithRaw(e.ValidBody, "zz", "\"@@\"");
            var at = marker.IndexOf("@@", StringComparison.Ordinal);
            var before = Encoding.UTF8.GetBytes(marker[..at]);
            var after = Encoding.UTF8.GetBytes(marker[(at + 2)..]);
            yield return PostBytes(e, "invalid UTF-8 in a string", [.. before, .. bad, .. after], Expect.ClientError);
            foreach (var field in e.NameFields.Concat(e.Fields.Where(f => f.Value == FieldKind.String).Select(f => f.Key)).Distinct().Take(4))
            {
                var m = WithRaw(e.ValidBody, field, "\"a@@b\"");
                var i = m.IndexOf("@@", StringComparison.Ordinal);
                yield return PostBytes(e, $"invalid UTF-8 in {field}", [.. Encoding.UTF8.GetBytes(m[..i]), .. bad, .. Encoding.UTF8.GetBytes(m[(i + 2)..])], Expect.ClientError);
            }
        }
        yield return PostBytes(e, "NUL bytes", [.. Encoding.UTF8.GetBytes(valid), 0, 0, 0], Expect.ClientError);
        yield return PostBytes(e, "UTF-8 BOM", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(valid)], either);
        yield return PostBytes(e, "UTF-16 body", Encoding.Unicode.GetBytes(valid), Expect.ClientError);

        // Shapes that are valid JSON: unknown fields are ignored, duplicate keys take the last, nulls are absent values.
        yield return Post(e, "unknown fields", WithRaw(e.ValidBody, "zz_unknown", "{\"nested\":[1,2,{\"x\":null}],\"s\":\"{{ 7*7 }}\"}"), ok);
        yield return Post(e, "duplicate keys", "{" + valid[1..^1] + "," + valid[1..^1] + "}", either);
        var first = e.ValidBody.First().Key;
        yield return Post(e, "duplicate key, bad value first", "{\"" + first + "\":{\"x\":1}," + valid[1..], either);
        var allNull = new JsonObject();
        foreach (var field in e.Fields.Keys)
            allNull[field] = null;
        yield return Post(e, "every field null", allNull.ToJsonString(), Expect.Either);
        yield return Post(e, "empty object", "{}", Expect.Either);
        foreach (var field in e.Fields.Keys)
        {
            var without = e.ValidBody.DeepClone().AsObject();
            if (!Unbounded(e, field) && without.Remove(field))
                yield return Post(e, $"without {field}", without.ToJsonString(), Expect.Either);
        }
        yield return Post(e, "megabyte string field", WithRaw(e.ValidBody, "user", "\"" + new string('u', 2 << 20) + "\""), either);

        // Content types: a JSON body under another label is read as JSON (as llama-server and Ollama do);
        // a body that is not JSON is a 400 whatever it is labelled.
        foreach (var type in new[] { "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "*/*", "" })
        {
            yield return Post(e, $"content type {type}", valid, either, type);
            yield return Post(e, $"form body as {type}", "model=stories260K&prompt=hi", Expect.ClientError, type);
        }

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
            yield return new HostileCase(e.Name, $"method {method}", method, e.Path, null, null, Expect.ClientError);

        // Content-Length larger than what is sent, then the client half-closes: a 400 or a closed connection.
        yield return RawCase(e, "truncated body", $"Content-Length: {valid.Length + 1000}\r\nContent-Type: application/json\r\n", valid);
        yield return RawCase(e, "truncated body (no bytes)", "Content-Length: 5000\r\nContent-Type: application/json\r\n", "");
        yield return RawCase(e, "broken chunked body", "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n", "zz\r\n{}\r\n0\r\n\r\n");
        // Framing that request smugglers use: Kestrel refuses it (400) or reads one consistent body.
        yield return RawCase(e, "two Content-Lengths", $"Content-Length: {valid.Length}\r\nContent-Length: 2\r\nContent-Type: application/json\r\n", valid);
        yield return RawCase(e, "Content-Length and chunked", $"Content-Length: 4\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n", $"{valid.Length:x}\r\n{valid}\r\n0\r\n\r\n") with { Expect = either };
        yield return RawCase(e, "negative Content-Length", "Content-Length: -1\r\nContent-Type: application/json\r\n", valid);
        yield return RawCase(e, "Content-Length 10^20", "Content-Length: 100000000000000000000\r\nContent-Type: application/json\r\n", valid);
        yield return RawCase(e, "Content-Length not a number", "Content-Length: ten\r\nContent-Type: application/json\r\n", valid);
        yield return RawCase(e, "unknown transfer encoding", "Transfer-Encoding: gzip, chunked, zz\r\nContent-Type: application/json\r\n", "0\r\n\r\n");
        yield return RawCase(e, "header without colon", "Content-Type application/json\r\nContent-Length: 2\r\n", "{}");
        yield return RawCase(e, "NUL in a header", "X-Test: a\u0000b\r\nContent-Length: 2\r\n", "{}");
        yield return RawCase(e, "chunked body cut short", "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n", "400\r\n" + valid);
    }

    /// <summary>Cut bodies are half-closed and may go unanswered; framing errors must get their 400.</summary>
    private static HostileCase RawCase(JsonEndpoint e, string kind, string headers, string body)
    {
        var cut = kind.Contains("truncated", StringComparison.Ordinal) || kind.Contains("chunked body", StringComparison.Ordinal);
        return new(e.Name, kind, HttpMethod.Post, e.Path, null, null, Expect.ClientError)
        {
            KestrelMayReject = true,
            MayClose = cut,
            Raw = Encoding.UTF8.GetBytes($"POST /{e.Path} HTTP/1.1\r\nHost: localhost\r\n{(cut ? "" : "Connection: close\r\n")}{headers}\r\n{body}"),
        };
    }

    /// <summary>Names in the routes that take one: GET /v1/models/{id}, GET and DELETE /api/models/{name}.</summary>
    private static IEnumerable<HostileCase> PathNameCases()
    {
        foreach (var name in OddNames)
        {
            var inPath = name.Replace("\u0000", "%00", StringComparison.Ordinal).Replace("\\", "%5C", StringComparison.Ordinal);
            // "./x" is "x" once the dot segment is removed (RFC 3986 5.2.4), which clients and Kestrel both do.
            var expect = name.StartsWith("./", StringComparison.Ordinal) ? Expect.Either : Expect.ClientError;
            var nul = inPath.Contains("%00", StringComparison.Ordinal);
            yield return new HostileCase("v1/models/{id}", "odd name", HttpMethod.Get, "v1/models/" + inPath, null, null, expect) { KestrelMayReject = nul };
            yield return new HostileCase("api/models/{name}", "odd name", HttpMethod.Get, "api/models/" + inPath, null, null, expect) { KestrelMayReject = nul };
            yield return new HostileCase("DELETE api/models/{name}", "odd name", HttpMethod.Delete, "api/models/" + inPath, null, null, expect) { KestrelMayReject = nul };
            foreach (var route in new[] { "v1/models/", "api/models/" })
            {
                yield return new HostileCase(route + "{raw}", "odd name, raw path", HttpMethod.Get, route + inPath, null, null, expect)
                {
                    KestrelMayReject = true,
                    Raw = Encoding.UTF8.GetBytes($"GET /{route}{inPath.Replace(" ", "%20", StringComparison.Ordinal)} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                };
            }
        }
        // The GET routes with bodies, queries and odd headers they do not expect: still their normal answer.
        foreach (var path in new[] { "v1/models", "api/models", "api/devices", "metrics", "health", "v1/models/stories260K", "api/models/stories260K", "api/tags", "api/ps", "api/version" })
        {
            var endpoint = path;
            yield return new HostileCase(endpoint, "plain GET", HttpMethod.Get, path, null, null, Expect.Success);
            yield return new HostileCase(endpoint, "GET with query", HttpMethod.Get, path + "?x=" + new string('q', 4000) + "&model=../../etc/passwd", null, null, Expect.Success);
            yield return new HostileCase(endpoint, "GET with a body", HttpMethod.Get, path, Encoding.UTF8.GetBytes("{\"garbage\":"), "application/json", Expect.Success);
            yield return new HostileCase(endpoint, "POST to a GET route", HttpMethod.Post, path, Encoding.UTF8.GetBytes("{}"), "application/json", Expect.ClientError);
        }
        foreach (var path in new[] { "v1/nothing", "v1/../../etc/passwd", "api/../../x", "v2/models", "v1/chat/completions/x", "%2e%2e/%2e%2e/etc/passwd" })
            yield return new HostileCase("unknown route", "unknown route", HttpMethod.Post, path, Encoding.UTF8.GetBytes("{}"), "application/json", Expect.ClientError);
    }

    internal static JsonEndpoint Endpoint(string name) => HostileEndpoints.All.First(e => e.Name == name);

    /// <summary>Hand-picked adversarial values for the fields that parse something themselves.</summary>
    private static IEnumerable<HostileCase> SpecificCases()
    {
        var completions = Endpoint("completions");
        var chat = Endpoint("chat");
        var embeddings = Endpoint("embeddings");
        var image = Endpoint("classifications-image");
        var classify = Endpoint("classifications");
        var responses = Endpoint("responses");

        // An empty string is a valid prompt (generation from BOS), as in OpenAI's API.
        yield return Post(completions, "prompt token ids", WithRaw(completions.ValidBody, "prompt", "[\"\"]"), Expect.Either);
        foreach (var prompt in new[] { "[[-1]]", "[[2147483647]]", "[[]]", "[]", "[[1,2],[-3]]", "[1.5]", "[[1e300]]", "[[\"a\"]]", "[null]", "[[null]]" })
            yield return Post(completions, "prompt token ids", WithRaw(completions.ValidBody, "prompt", prompt), Expect.ClientError);
        foreach (var input in new[] { "[[-1]]", "[[2147483647]]", "[[]]", "[]", "[[1],[\"a\"]]", "[1.5]", "[null]" })
            yield return Post(embeddings, "input token ids", WithRaw(embeddings.ValidBody, "input", input), Expect.ClientError);
        foreach (var bias in new[] { "{\"abc\":1}", "{\"-1\":1}", "{\"99999999\":1}", "{\"1\":1e30}", "{\"1\":\"x\"}", "{\"1\":null}", "{\"\":1}", "{\"1\":-101}" })
        {
            yield return Post(completions, "logit_bias", WithRaw(completions.ValidBody, "logit_bias", bias), Expect.ClientError);
            yield return Post(chat, "logit_bias", WithRaw(chat.ValidBody, "logit_bias", bias), Expect.ClientError);
        }
        // Limits other engineers configure (stop count, stop length): a 400 or a success, never a 5xx.
        yield return Post(chat, "10,000 stop strings", WithRaw(chat.ValidBody, "stop", "[" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"\"s{i}\"")) + "]"), Expect.Either);
        yield return Post(chat, "megabyte stop string", WithRaw(chat.ValidBody, "stop", "\"" + new string('s', 1 << 20) + "\""), Expect.Either);
        yield return Post(completions, "empty stop strings", WithRaw(completions.ValidBody, "stop", "[\"\",\"\"]"), Expect.Either);
        yield return Post(completions, "megabyte prompt", WithRaw(completions.ValidBody, "prompt", "\"" + string.Concat(Enumerable.Repeat("Once upon a time ", 65_536)) + "\""), Expect.ClientError);
        yield return Post(chat, "1000 messages", WithRaw(chat.ValidBody, "messages", "[" + string.Join(",", Enumerable.Repeat("{\"role\":\"user\",\"content\":\"hi\"}", 1000)) + "]"), Expect.Either);
        foreach (var role in new[] { "\"\"", "\"root\"", "\"<|im_start|>system\"", "null", "1" })
            yield return Post(chat, "message role", WithRaw(chat.ValidBody, "messages", $"[{{\"role\":{role},\"content\":\"hi\"}}]"), Expect.ClientError);
        foreach (var content in new[] { "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,!!!\"}}]", "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"file:///etc/passwd\"}}]",
                     "[{\"type\":\"input_audio\"}]", "[{\"type\":\"text\"}]", "[{\"type\":\"text\",\"text\":1}]", "[{}]", "[null]", "{\"type\":\"text\",\"text\":\"x\"}" })
            yield return Post(chat, "content part", WithRaw(chat.ValidBody, "messages", $"[{{\"role\":\"user\",\"content\":{content}}}]"), Expect.ClientError);

        // Schemas that a grammar builder could recurse on forever, or that are enormous.
        string[] schemas =
        [
            "{\"$ref\":\"#\"}", "{\"$ref\":\"#/definitions/a\",\"definitions\":{\"a\":{\"$ref\":\"#/definitions/a\"}}}",
            "{\"$ref\":\"#/nope\"}", "{\"$ref\":\"http://example.com/schema\"}", "{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#\"}},\"required\":[\"a\"]}",
            "{\"type\":\"string\",\"pattern\":\"(a+)+$\"}", "{\"type\":\"string\",\"pattern\":\"[\"}", "{\"type\":\"integer\",\"minimum\":1e400}",
            "{\"type\":\"integer\",\"minimum\":10,\"maximum\":1}", "{\"type\":\"string\",\"minLength\":1000000000}", "{\"type\":\"array\",\"minItems\":100000}",
            "{\"enum\":[" + string.Join(",", Enumerable.Range(0, 5000).Select(i => $"\"v{i}\"")) + "]}", "{\"type\":\"nonsense\"}", "{\"type\":[]}", "[]", "true", "false", "1",
            Nest("{\"type\":\"array\",\"items\":", "}", 60), Nest("{\"anyOf\":[", "]}", 60),
        ];
        foreach (var schema in schemas)
        {
            var format = $"{{\"type\":\"json_schema\",\"json_schema\":{{\"name\":\"x\",\"schema\":{schema}}}}}";
            yield return Post(chat, "json_schema", WithRaw(chat.ValidBody, "response_format", format), Expect.Either);
            var tools = $"[{{\"type\":\"function\",\"function\":{{\"name\":\"f\",\"parameters\":{schema}}}}}]";
            var forced = WithRaw(chat.ValidBody, "tools", tools).Replace("\"max_tokens\":2", "\"max_tokens\":2,\"tool_choice\":\"required\"", StringComparison.Ordinal);
            yield return Post(chat, "tool parameters", forced, Expect.Either);
            var text = $"{{\"format\":{{\"type\":\"json_schema\",\"name\":\"x\",\"schema\":{schema}}}}}";
            yield return Post(responses, "text.format schema", WithRaw(responses.ValidBody, "text", text), Expect.Either);
        }
        foreach (var grammar in new[] { "root ::= root", "root ::= [", "root ::= \"", "root ::= x", "x ::= \"a\"", "root ::= (((((", "root ::= \"a\"{1000000}", "root ::= [^]", "root ::= \"\\u12\"", "\u0000" })
        {
            yield return Post(completions, "grammar", WithRaw(completions.ValidBody, "grammar", System.Text.Json.JsonSerializer.Serialize(grammar)), Expect.Either);
        }
        foreach (var template in new[] { "{% for i in range(1000000000) %}x{% endfor %}", "{{ ''.__class__ }}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
                     "{{ raise_exception('boom') }}", "{% set x = 'a' * 1000000000 %}{{ x }}", "{{ messages[1000] }}", "{%", "{{ cycler.__init__.__globals__ }}",
                     "{% for m in messages %}{% for n in messages %}{% for o in range(100000) %}{{ o }}{% endfor %}{% endfor %}{% endfor %}" })
        {
            yield return Post(Endpoint("apply-template"), "chat_template", WithRaw(Endpoint("apply-template").ValidBody, "chat_template", System.Text.Json.JsonSerializer.Serialize(template)), Expect.Either);
        }

        // Images: broken base64 and data URLs, URLs to fetch (never fetched), a PNG claiming 100,000 × 100,000 pixels.
        var png = File.ReadAllBytes(Path.Combine(MicroAI.Tests.Shared.TestPaths.MnistFolder, "mnist_28.png"));
        string[] images =
        [
            "data:image/png;base64,!!!", "data:image/png;base64,", "data:image/png;base64,AAAA", "data:image/png;base64,AAA", "data:text/plain;base64,aGVsbG8=",
            "data:image/png,notbase64", "data:,", "data:", "data:image/png;base64," + new string('A', 1 << 20), "http://127.0.0.1:1/x.png", "file:///etc/passwd", "/etc/passwd",
            "data:image/png;base64," + Convert.ToBase64String(png[..100]), "data:image/png;base64," + Convert.ToBase64String(HostilePng.WithSize(png, 100_000, 100_000)),
            "data:image/png;base64," + Convert.ToBase64String(HostilePng.WithSize(png, 0, 0)), "data:image/jpeg;base64,/9j/4AAQSkZJRg==",
            "data:image/png;base64,====", "data:image/png;base64,\u0000\u0001",
        ];
        foreach (var url in images)
        {
            var json = WithRaw(image.ValidBody, "input", $"{{\"image\":{System.Text.Json.JsonSerializer.Serialize(url)}}}");
            yield return Post(image, "image", json, Expect.ClientError);
            var squeeze = json.Replace("\"mnist\"", "\"squeezenet\"", StringComparison.Ordinal);
            yield return Post(image, "image (squeezenet)", squeeze, Expect.ClientError);
        }
        foreach (var input in new[] { "{\"bytes\":\"!!\"}", "{\"bytes\":\"\"}", "{\"bytes\":1}", "{\"image\":1}", "{\"image\":null}", "{}", "{\"bytes\":\"QQ==\",\"image\":\"x\"}", "[{\"bytes\":\"@\"}]" })
        {
            var magika = WithRaw(classify.ValidBody, "input", input).Replace("\"sentiment\"", "\"magika\"", StringComparison.Ordinal);
            yield return Post(classify, "magika bytes", magika, Expect.Either);
        }
        // Feature rows: wrong counts and types, unknown and repeated names, values JSON numbers cannot hold,
        // huge rows and batches, and rows sent to models that read something else (and text to a tabular model).
        var tabular = Endpoint("classifications-tabular");
        string[] rows =
        [
            "{\"features\":[]}", "{\"features\":[1,2]}", "{\"features\":[1,2,3,4]}", "{\"features\":[1,\"x\",3]}", "{\"features\":[1e400,2,3]}",
            "{\"features\":[-1e308,1e308,5e-324]}", "{\"features\":[null,null,null]}", "{\"features\":[[1],2,3]}", "{\"features\":[{},2,3]}",
            "{\"features\":[true,false,1]}", "{\"features\":" + "[" + string.Join(",", Enumerable.Repeat("1", 100_000)) + "]}",
            "{\"values\":{}}", "{\"values\":{\"amount\":1}}", "{\"values\":{\"amount\":1,\"amount\":2,\"hour\":1,\"merchant_risk\":1}}",
            "{\"values\":{\"amount\":1,\"hour\":1,\"merchant_risk\":1,\"\":1}}", "{\"values\":{\"amount\":[1],\"hour\":1,\"merchant_risk\":1}}",
            "{\"values\":{\"amount\":\"1\",\"hour\":1,\"merchant_risk\":1}}", "{\"values\":[1,2,3]}", "{\"values\":null}", "{\"features\":null}",
            "{\"features\":[1,2,3],\"values\":{\"amount\":1}}", "{\"features\":[1,2,3],\"image\":\"x\"}", "[1,2,3]", "[[1,2,3],[4,5]]", "[1,\"a\"]",
            "[" + string.Join(",", Enumerable.Repeat("[1,2,3]", 3000)) + "]", "\"text\"", "[\"text\",[1,2,3]]", "1", "[]",
        ];
        foreach (var row in rows)
        {
            yield return Post(tabular, "feature row", WithRaw(tabular.ValidBody, "input", row), Expect.Either);
            var sensor = WithRaw(tabular.ValidBody, "input", row).Replace("\"fraud\"", "\"sensor\"", StringComparison.Ordinal);
            yield return Post(tabular, "feature row (int64 column)", sensor, Expect.Either);
            yield return Post(classify, "feature row to a text model", WithRaw(classify.ValidBody, "input", row), Expect.Either);
        }
        foreach (var line in new[] { "1.5", "-1e19", "1e19", "null", "\"3\"", "9007199254740993" })
        {
            var values = $"{{\"values\":{{\"temperature\":1,\"vibration\":1,\"line\":{line}}}}}";
            yield return Post(tabular, "int64 column", WithRaw(tabular.ValidBody, "input", values).Replace("\"fraud\"", "\"sensor\"", StringComparison.Ordinal), Expect.Either);
        }

        foreach (var id in new[] { "resp_nope", "", "../../etc/passwd", new string('r', 10_000) })
            yield return Post(responses, "previous_response_id", WithRaw(responses.ValidBody, "previous_response_id", System.Text.Json.JsonSerializer.Serialize(id)), Expect.ClientError);
        foreach (var input in new[] { "[{\"type\":\"function_call_output\"}]", "[{\"type\":\"function_call\",\"arguments\":1}]", "[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"data:,\"}]}]",
                     "[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\"}]}]", "[{\"type\":\"nope\"}]", "[[]]", "[null]" })
            yield return Post(responses, "input items", WithRaw(responses.ValidBody, "input", input), Expect.ClientError);
        // Wrong types one level down, in fields kept as JsonElement and read by hand.
        foreach (var (field, raw) in new[]
                 {
                     ("text", "{\"format\":1}"), ("text", "{\"format\":{\"type\":1}}"), ("text", "{\"format\":{\"type\":\"json_schema\",\"name\":[],\"schema\":{}}}"),
                     ("text", "{\"format\":{\"type\":\"json_schema\",\"schema\":1}}"), ("tools", "[{\"type\":1}]"), ("tools", "[{\"type\":\"function\",\"name\":1}]"),
                     ("tools", "[{\"type\":\"function\",\"name\":\"f\",\"parameters\":1}]"), ("tool_choice", "{\"name\":1}"), ("tool_choice", "{\"type\":1}"),
                     ("tool_choice", "{\"function\":1}"), ("tool_choice", 1.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                 })
        {
            yield return Post(responses, $"{field} nested type", WithRaw(responses.ValidBody, field, raw), Expect.ClientError);
        }
        foreach (var (field, raw) in new[]
                 {
                     ("tools", "[{\"type\":\"function\",\"function\":1}]"), ("tools", "[{\"type\":\"function\",\"function\":{\"name\":1}}]"),
                     ("tools", "[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]"), ("tool_choice", "{\"type\":\"function\",\"function\":1}"),
                     ("tool_choice", "{\"type\":\"function\",\"function\":{\"name\":[]}}"), ("response_format", "{\"type\":1}"), ("response_format", "{\"type\":\"json_schema\",\"json_schema\":1}"),
                     ("stream_options", "{\"include_usage\":\"yes\"}"), ("messages", "[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":1}]}]"),
                     ("messages", "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":{}}}]}]"),
                 })
        {
            yield return Post(chat, $"{field} nested type", WithRaw(chat.ValidBody, field, raw), Expect.ClientError);
        }
        foreach (var source in new[] { "file:///etc/passwd", "/etc/passwd", "../../etc/passwd", "hf://../../x", "hf://", "hf://a", "ftp://x/y.gguf", "http://", "javascript:alert(1)" })
            yield return Post(Endpoint("api-pull"), "pull source", WithRaw(Endpoint("api-pull").ValidBody, "source", System.Text.Json.JsonSerializer.Serialize(source)), Expect.ClientError);
        // A well-formed URL whose server refuses: the upstream failed, not the request (502, see HostileRegressionTests).
        yield return Post(Endpoint("api-pull"), "pull source unreachable", WithRaw(Endpoint("api-pull").ValidBody, "source", "\"http://127.0.0.1:1/model.gguf\""), Expect.Either) with { UpstreamMayFail = true };
    }

    private static string Nest(string open, string close, int depth) =>
        string.Concat(Enumerable.Repeat(open, depth)) + "{\"type\":\"string\"}" + string.Concat(Enumerable.Repeat(close, depth));
}
