namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// Grammar bodies (quotes included) for the string formats worth enforcing: those a model is most
/// likely to be asked for and can get subtly wrong. Calendar validity (30 February) is not checked.
/// </summary>
internal static class StringFormats
{
    private const string Date = "[0-9]{4} \"-\" ( \"0\" [1-9] | \"1\" [0-2] ) \"-\" ( \"0\" [1-9] | [12] [0-9] | \"3\" [01] )";
    private const string Time = "( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] \":\" [0-5] [0-9] ( \".\" [0-9]{1,9} )?";
    private const string Offset = "( \"Z\" | [+-] ( [01] [0-9] | \"2\" [0-3] ) \":\" [0-5] [0-9] )";
    private const string Hex = "[0-9a-fA-F]";
    private const string Quote = "\"\\\"\"";

    public static string? Body(string format) => format switch
    {
        "date" => $"{Quote} {Date} {Quote}",
        "time" => $"{Quote} {Time} {Offset} {Quote}",
        "date-time" => $"{Quote} {Date} [Tt] {Time} {Offset} {Quote}",
        "uuid" => $"{Quote} {Hex}{{8}} \"-\" {Hex}{{4}} \"-\" {Hex}{{4}} \"-\" {Hex}{{4}} \"-\" {Hex}{{12}} {Quote}",
        _ => null,
    };
}
