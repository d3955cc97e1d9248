using System.Text.Json;

namespace MicroAI.TextFormats.Grammar;

/// <summary>
/// Turns a JSON Schema (OpenAI <c>response_format</c> json_schema, or a function's <c>parameters</c>
/// for a forced tool call) into a GBNF grammar with start rule <c>root</c>, so the sampler can only
/// produce JSON the schema accepts. Engine-neutral: the text is plain GBNF.
/// </summary>
public static class JsonSchemaGrammar
{
    /// <summary>
    /// The grammar for <paramref name="schema"/>, or an error naming the unsupported keyword (or the
    /// exceeded limit) and where it is. Never throws for a bad schema.
    /// </summary>
    public static GrammarResult FromSchema(JsonElement schema, JsonGrammarOptions? options = null)
    {
        options ??= JsonGrammarOptions.Default;
        if (schema.ValueKind == JsonValueKind.Undefined)
            return GrammarResult.Fail("No JSON Schema was given.");
        // GetRawText is the schema as the client sent it: a fair, cheap measure of its size.
        var length = schema.GetRawText().Length;
        if (length > options.MaxSchemaLength)
            return GrammarResult.Fail($"The JSON Schema is {length} characters long; at most {options.MaxSchemaLength} are accepted.");
        try
        {
            return GrammarResult.Ok(new JsonSchemaConverter(schema, options).ConvertSchema());
        }
        catch (GrammarSchemaException e)
        {
            return GrammarResult.Fail(e.Message);
        }
    }

    /// <summary>The grammar for <c>response_format: {type: "json_object"}</c>: any JSON object.</summary>
    public static string AnyJsonObject(JsonGrammarOptions? options = null) =>
        new JsonSchemaConverter(default, options ?? JsonGrammarOptions.Default).ConvertAnyObject();
}
