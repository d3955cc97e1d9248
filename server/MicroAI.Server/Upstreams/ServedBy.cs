namespace MicroAI.Server.Upstreams;

/// <summary>
/// Which side answered a text request, said on every answer: the <see cref="Header"/> response
/// header, and <c>served_by</c> in the usage (OpenAI, Anthropic) or Ollama's final object, so a
/// client (or an auditor reading its logs) sees when an answer came from elsewhere.
/// </summary>
internal static class ServedBy
{
    public const string Header = "X-MicroAI-Served-By";
    public const string Local = "local";

    public static string Upstream(string name) => "upstream/" + name;
}
