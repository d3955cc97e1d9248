using System.Text;
using System.Text.Json;

namespace MicroAI.Engines.LlamaCpp.Tests.Grammar;

/// <summary>Checks that text is the beginning of some valid JSON document (reader with isFinalBlock false).</summary>
internal static class JsonPrefix
{
    public static void AssertValid(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            Assert.Fail($"not a JSON prefix ({e.Message}): {text}");
        }
    }
}
