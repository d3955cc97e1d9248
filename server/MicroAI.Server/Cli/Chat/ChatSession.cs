using System.Globalization;

namespace MicroAI.Server.Cli.Chat;

/// <summary>
/// One conversation: the model, its system message, parameters and the turns so far. An answer
/// joins the history only when it completed: a cut-short turn is dropped with its question, so
/// the next request still alternates user and assistant (templates such as Mistral's refuse two
/// user turns in a row).
/// </summary>
internal sealed class ChatSession(string model)
{
    private readonly List<ChatTurnText> _history = [];

    public string Model { get; set; } = model;
    public string? System { get; set; }
    public ChatParameters Parameters { get; } = new();
    public bool Json { get; set; }
    public bool Verbose { get; set; }

    public void Clear() => _history.Clear();

    public async Task<ChatAnswer> AskAsync(ChatClient client, string prompt, Action<string> onText, CancellationToken ct)
    {
        var messages = new List<ChatTurnText>(_history.Count + 2);
        if (!string.IsNullOrEmpty(System))
            messages.Add(new("system", System));
        messages.AddRange(_history);
        messages.Add(new("user", prompt));
        var answer = await client.StreamAsync(Model, messages, Parameters, Json, onText, ct);
        if (answer.Complete)
        {
            _history.Add(new("user", prompt));
            _history.Add(new("assistant", answer.Text));
        }
        return answer;
    }

    /// <summary>Counts and speed as <c>ollama run --verbose</c> prints them (measured here, from the request to the last piece).</summary>
    public static void WriteStats(TextWriter to, ChatAnswer answer)
    {
        var seconds = answer.Elapsed.TotalSeconds;
        to.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total duration:       {seconds:0.000}s"));
        to.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prompt eval count:    {answer.PromptTokens} token(s)"));
        to.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval count:           {answer.CompletionTokens} token(s)"));
        if (seconds > 0)
            to.WriteLine(string.Create(CultureInfo.InvariantCulture, $"eval rate:            {answer.CompletionTokens / seconds:0.00} tokens/s"));
    }
}
