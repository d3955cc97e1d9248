using System.Text;
using System.Text.Json.Nodes;

namespace MicroAI.Server.Tests.Hostile;

/// <summary>
/// Seeded random cases on top of the hand-written ones: byte-level mutations of each valid body
/// (flips, inserts, deletions, cuts) and random JSON values in random fields. Any of them may still
/// be valid, so each must get a success or a 4xx error, never a 5xx. The seed is fixed: a failure
/// names a case that the next run sends again.
/// </summary>
internal static class HostileRandomCases
{
    public const int Seed = 8;
    private const int MutationsPerEndpoint = 120;
    private const int RandomValuesPerEndpoint = 80;

    private static readonly byte[] s_interesting = "{}[]\":,\\0-1e.9tnfu\u0000 \n"u8.ToArray();

    public static IEnumerable<HostileCase> All()
    {
        var random = new Random(Seed);
        foreach (var e in HostileEndpoints.All)
        {
            // Chat and Responses without a length generate to the end of the context (seconds): their length
            // goes first as well as last, so one mutated copy leaves the other (a duplicate key: the last wins).
            var json = e.ValidBody.ToJsonString();
            json = e.Name switch
            {
                "chat" => "{\"max_tokens\":2," + json[1..],
                "responses" => "{\"max_output_tokens\":2," + json[1..],
                _ => json,
            };
            var valid = Encoding.UTF8.GetBytes(json);
            // Ollama's length is one key inside "options", which a duplicate cannot protect: mutants that
            // lose it would generate to the end of the context, so those are drawn again.
            var bounded = e.Name is "ollama-generate" or "ollama-chat" ? "\"options\":{\"num_predict\":2,"u8.ToArray() : null;
            for (var i = 0; i < MutationsPerEndpoint; i++)
            {
                var mutant = Mutate(valid, random);
                while (bounded is not null && mutant.AsSpan().IndexOf(bounded) < 0)
                    mutant = Mutate(valid, random);
                yield return new HostileCase(e.Name, "random byte mutation", HttpMethod.Post, e.Path, mutant, "application/json", Expect.Either);
            }
            var fields = e.Fields.Keys.ToArray();
            for (var i = 0; i < RandomValuesPerEndpoint; i++)
            {
                var field = fields[random.Next(fields.Length)];
                if (field is "max_tokens" or "max_output_tokens" or "max_completion_tokens" || field == "options" && bounded is not null)
                    continue; // a random large length generates for seconds; HostileValues covers these fields
                var body = HostileCaseGenerator.WithRaw(e.ValidBody, field, RandomJson(random, 0));
                yield return new HostileCase(e.Name, $"random value in {field}", HttpMethod.Post, e.Path, Encoding.UTF8.GetBytes(body), "application/json", Expect.Either);
            }
        }
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        var edits = 1 + random.Next(4);
        for (var k = 0; k < edits && bytes.Count > 0; k++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.Insert(at, s_interesting[random.Next(s_interesting.Length)]); break;
                case 2: bytes.RemoveAt(at); break;
                case 3: bytes.RemoveRange(at, bytes.Count - at); break;
                default: bytes.InsertRange(at, bytes.GetRange(at, Math.Min(8, bytes.Count - at))); break;
            }
        }
        return [.. bytes];
    }

    private static string RandomJson(Random random, int depth)
    {
        switch (random.Next(depth >= 4 ? 6 : 8))
        {
            case 0: return "null";
            case 1: return random.Next(2) == 0 ? "true" : "false";
            case 2: return random.Next(int.MinValue, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
            case 3: return (random.NextDouble() * Math.Pow(10, random.Next(-30, 30))).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            case 4:
            case 5:
                var chars = new char[random.Next(0, 24)];
                for (var i = 0; i < chars.Length; i++)
                    chars[i] = (char)random.Next(1, 0xD7FF);
                return JsonValue.Create(new string(chars)).ToJsonString();
            case 6:
                return "[" + string.Join(",", Enumerable.Range(0, random.Next(0, 5)).Select(_ => RandomJson(random, depth + 1))) + "]";
            default:
                return "{" + string.Join(",", Enumerable.Range(0, random.Next(0, 5)).Select(i => $"\"k{i}\":" + RandomJson(random, depth + 1))) + "}";
        }
    }
}
