namespace MicroAI.LoadTests;

/// <summary>
/// Prompts from a seed: random words from a fixed list, an optional shared prefix (a system prompt
/// every client sends), and multi-turn conversations where each turn's prompt is the previous prompt
/// plus the answer plus new words — a chat's growth, over /v1/completions so that MicroAI and
/// llama-server see byte-identical prompts whatever their chat templates.
/// </summary>
internal sealed class Workload(int seed, int promptWords, int sharedPrefixWords)
{
    private static readonly string[] s_words =
    [
        "the", "little", "girl", "named", "Lily", "saw", "a", "big", "red", "ball", "in", "park", "and", "she", "ran", "to",
        "her", "mom", "dog", "was", "happy", "sun", "tree", "bird", "sang", "song", "one", "day", "boy", "Tom", "found", "box",
        "with", "toys", "they", "played", "all", "together", "friends", "went", "home", "night", "moon", "star", "blue", "sky",
    ];

    private readonly string _shared = Words(new Random(seed ^ 0x5eed), sharedPrefixWords);

    public string Prompt(int client, int turn) =>
        (_shared.Length > 0 ? _shared + " " : "") + Words(new Random(SeedMix.Of(seed, client, turn)), promptWords);

    /// <summary>The next turn's prompt: the whole conversation so far plus <paramref name="words"/> new words (default: a quarter of the first prompt, at least 8).</summary>
    public string NextTurn(string previousPrompt, string answer, int client, int turn, int? words = null) =>
        previousPrompt + answer + " " + Words(new Random(SeedMix.Of(seed, client, turn, 7)), words ?? Math.Max(8, promptWords / 4));

    private static string Words(Random random, int count) =>
        string.Join(' ', Enumerable.Range(0, count).Select(_ => s_words[random.Next(s_words.Length)]));
}
