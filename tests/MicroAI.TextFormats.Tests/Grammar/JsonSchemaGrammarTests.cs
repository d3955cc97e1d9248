using System.Text.Json;
using MicroAI.TextFormats.Grammar;

namespace MicroAI.TextFormats.Tests.Grammar;

public sealed class JsonSchemaGrammarTests
{
    private static GrammarResult Convert(string schema, JsonGrammarOptions? options = null)
    {
        using var doc = JsonDocument.Parse(schema);
        return JsonSchemaGrammar.FromSchema(doc.RootElement, options);
    }

    private static string Grammar(string schema, JsonGrammarOptions? options = null)
    {
        var result = Convert(schema, options);
        Assert.True(result.Success, result.Error);
        Assert.Null(result.Error);
        Assert.Empty(GbnfLint.Check(result.Grammar));
        return result.Grammar;
    }

    private static string Error(string schema, JsonGrammarOptions? options = null)
    {
        var result = Convert(schema, options);
        Assert.False(result.Success, result.Grammar);
        Assert.Null(result.Grammar);
        return result.Error;
    }

    public static TheoryData<string> Supported => new()
    {
        "{}",
        "true",
        """{"type":"string"}""",
        """{"type":["integer","null"]}""",
        """{"type":"number","description":"annotations are ignored","title":"t","default":1}""",
        """{"type":"boolean","nullable":true}""",
        """{"enum":["a",1,null,{"x":[true]}]}""",
        """{"enum":["a","b"],"nullable":true}""",
        """{"const":"line\nbreak \"quoted\" \\ é"}""",
        """{"type":"object","properties":{"a\"b é/~":{"type":"string"}},"required":["a\"b é/~"]}""",
        """{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"}},"required":["c"]}""",
        """{"type":"object","additionalProperties":{"type":"integer"}}""",
        """{"type":"object","properties":{"x":{}},"additionalProperties":true}""",
        """{"type":"array","items":{"type":"string","minLength":1,"maxLength":3},"minItems":2,"maxItems":5}""",
        """{"type":"array","items":{"type":"integer"},"minItems":3}""",
        """{"type":"array","maxItems":0}""",
        """{"type":"array","items":false}""",
        """{"type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":{"type":"boolean"},"maxItems":4}""",
        """{"anyOf":[{"type":"string"},{"type":"integer"}],"nullable":true}""",
        """{"oneOf":[{"$ref":"#/$defs/a"},{"type":"null"}],"$defs":{"a":{"type":"object","properties":{"next":{"$ref":"#/$defs/a"}}}}}""",
        """{"type":"object","properties":{"child":{"$ref":"#"}}}""",
        """{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"integer"}}}],"additionalProperties":false}""",
        """{"type":"string","format":"date-time"}""",
        """{"type":"string","format":"email"}""",
        """{"type":"string","pattern":"^[a-z]+$"}""",
        """{"pattern":"^\\d{3}-\\d{2,4}$"}""",
        """{"type":"string","pattern":"^(foo|bar|)?baz$"}""",
        """{"type":"string","pattern":"abc"}""",
        """{"type":"string","pattern":"^[^x]*\\.\\s\\S\\W\\D.$"}""",
        """{"type":"string","pattern":"^(?:[\\w.-]+)@\\w+\\.(com|org)$"}""",
        """{"type":"string","pattern":"^a\"b\\\\c\\n😀[é-ü😀]*?$"}""",
        """{"type":"string","pattern":"^$"}""",
        """{"type":"integer","minimum":-5,"maximum":5}""",
        """{"type":"integer","exclusiveMinimum":0}""",
        """{"type":"integer","minimum":0}""",
        """{"type":"integer","minimum":10}""",
        """{"type":"integer","minimum":-1000,"maximum":123456}""",
        """{"type":"integer","maximum":-7}""",
        """{"type":"object","required":["undeclared"],"additionalProperties":false}""",
    };

    [Theory]
    [MemberData(nameof(Supported))]
    public void Supported_schemas_give_a_well_formed_grammar(string schema)
    {
        var grammar = Grammar(schema);
        Assert.StartsWith("root ::= ", grammar);
        Assert.Equal(grammar, Grammar(schema));
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^(?=a)a+$"}""", "'pattern'", "#")]
    [InlineData("""{"type":"object","properties":{"p":{"pattern":"(a)\\1"}}}""", "'pattern'", "#/properties/p")]
    [InlineData("""{"type":"string","pattern":"\\bword"}""", "'pattern'", "#")]
    [InlineData("""{"type":"string","pattern":"\\p{L}+"}""", "'pattern'", "#")]
    [InlineData("""{"type":"string","pattern":"[z-a]"}""", "'pattern'", "#")]
    [InlineData("""{"type":"string","pattern":"(ab"}""", "'pattern'", "#")]
    [InlineData("""{"type":"string","pattern":"ab)"}""", "'pattern'", "#")]
    [InlineData("""{"type":"string","pattern":"*a"}""", "'pattern'", "#")]
    [InlineData("""{"type":"string","pattern":"^[\"\\\\]$"}""", "'pattern'", "#")]
    [InlineData("""{"type":"string","pattern":"^a$","maxLength":3}""", "'maxLength'", "#")]
    [InlineData("""{"type":"string","format":"date","pattern":"^2"}""", "'pattern'", "#")]
    [InlineData("""{"type":"object","properties":{"a/b":{"not":{"type":"string"}}}}""", "'not'", "#/properties/a~1b")]
    [InlineData("""{"type":"array","items":{"type":"integer"},"uniqueItems":true}""", "'uniqueItems'", "#")]
    [InlineData("""{"type":"object","patternProperties":{"^x":{}}}""", "'patternProperties'", "#")]
    [InlineData("""{"if":{"type":"string"},"then":{"minLength":1}}""", "'if'", "#")]
    [InlineData("""{"type":"number","minimum":0.5}""", "'minimum'", "#")]
    [InlineData("""{"type":"integer","multipleOf":2}""", "'multipleOf'", "#")]
    [InlineData("""{"$ref":"https://example.com/s.json"}""", "'$ref'", "#/$ref")]
    [InlineData("""{"anyOf":[{"type":"string"}],"minLength":2}""", "'minLength'", "#")]
    [InlineData("""{"enum":["a","bb"],"maxLength":1}""", "'maxLength'", "#")]
    [InlineData("""{"properties":{"k":{"const":3,"minimum":4}}}""", "'minimum'", "#/properties/k")]
    [InlineData("""{"allOf":[{"type":"string"}]}""", "'allOf'", "#/allOf/0/type")]
    [InlineData("""{"type":"object","properties":{"a":{"items":{"minContains":1}}}}""", "'minContains'", "#/properties/a/items")]
    public void Unsupported_keywords_are_named_with_their_pointer(string schema, string keyword, string pointer)
    {
        var error = Error(schema);
        Assert.Contains(keyword, error);
        Assert.Contains($"'{pointer}'", error);
    }

    [Theory]
    [InlineData("false", "accepts no value")]
    [InlineData("42", "must be an object or a boolean")]
    [InlineData("""{"type":"strin"}""", "unknown type 'strin'")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "does not exist")]
    [InlineData("""{"type":"array","minItems":3,"maxItems":2}""", "maxItems is below minItems")]
    [InlineData("""{"type":"string","minLength":-1}""", "non-negative integer")]
    [InlineData("""{"enum":[]}""", "non-empty array")]
    [InlineData("""{"type":"string","enum":[1,2]}""", "no listed value has the schema's type")]
    [InlineData("""{"type":"integer","minimum":5,"maximum":1}""", "range is empty")]
    [InlineData("""{"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/a"},{"type":"null"}]}},"$ref":"#/$defs/a"}""", "'#/$defs/a' refers back to itself")]
    [InlineData("""{"anyOf":[{"type":"null"},{"$ref":"#"}]}""", "refers back to itself")]
    [InlineData("""{"$defs":{"a":{"$ref":"#/$defs/b"},"b":{"oneOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}""", "at '#/$defs/b/oneOf/0/$ref'")]
    public void Invalid_schemas_are_errors(string schema, string message) =>
        Assert.Contains(message, Error(schema));

    [Fact]
    public void Deep_nesting_hits_the_depth_limit()
    {
        var schema = string.Concat(Enumerable.Repeat("""{"type":"array","items":""", 100)) + "{}" + new string('}', 100);
        // System.Text.Json stops at 64 levels by default; a server might parse with a higher limit.
        using var doc = JsonDocument.Parse(schema, new JsonDocumentOptions { MaxDepth = 256 });
        var error = JsonSchemaGrammar.FromSchema(doc.RootElement).Error;
        Assert.Contains("nests deeper than 64", error);
        Assert.Contains("'#/items/items", error);
        Assert.Contains("nests deeper than 5", JsonSchemaGrammar.FromSchema(doc.RootElement, new JsonGrammarOptions { MaxDepth = 5 }).Error);
    }

    [Fact]
    public void Deeply_nested_pattern_groups_hit_the_depth_limit()
    {
        var pattern = new string('(', 20000) + "a" + new string(')', 20000);
        var schema = JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = "string", ["pattern"] = pattern });
        Assert.Contains("groups nest deeper than 64", Error(schema, new JsonGrammarOptions { MaxSchemaLength = 100_000 }));
    }

    [Fact]
    public void Self_merging_allOf_hits_the_depth_limit_instead_of_looping()
    {
        Assert.Contains("nests deeper", Error("""{"$defs":{"a":{"allOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"}"""));
    }

    [Fact]
    public void Many_properties_hit_the_rule_limit()
    {
        var properties = string.Join(",", Enumerable.Range(0, 50).Select(i => $"\"p{i}\":{{\"type\":\"array\",\"items\":{{\"const\":{i}}}}}"));
        var schema = $"{{\"type\":\"object\",\"properties\":{{{properties}}}}}";
        Assert.Contains("more than 40 grammar rules", Error(schema, new JsonGrammarOptions { MaxRules = 40 }));
        Grammar(schema);
    }

    [Fact]
    public void Large_schemas_and_bounds_are_refused()
    {
        Assert.Contains("at most 10 are accepted", Error("""{"type":"string","description":"long enough"}""", new JsonGrammarOptions { MaxSchemaLength = 10 }));
        Assert.Contains("'maxLength'", Error("""{"type":"string","maxLength":1000000}"""));
        Assert.Contains("'minItems'", Error("""{"type":"array","minItems":5000}"""));
    }

    [Fact]
    public void Recursive_refs_become_recursive_rules()
    {
        var grammar = Grammar("""{"$defs":{"tree":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/tree"}}}}},"$ref":"#/$defs/tree"}""");
        var tree = grammar.Split('\n').Single(l => l.StartsWith("tree ::= ", StringComparison.Ordinal));
        Assert.Contains(grammar.Split('\n'), l => l.Contains(" tree ", StringComparison.Ordinal) && l != tree);
    }

    [Fact]
    public void Objects_with_declared_properties_allow_no_other_keys_unless_additionalProperties_says_so()
    {
        // llama.cpp's converter and OpenAI's strict mode: declared properties only, so a small model
        // cannot keep inventing keys.
        Assert.DoesNotContain("additional", Grammar("""{"type":"object","properties":{"a":{"type":"string"}}}"""));
        Assert.DoesNotContain("additional", Grammar("""{"type":"object","properties":{}}"""));
        Assert.DoesNotContain("additional", Grammar("""{"type":"object","properties":{"a":{}},"additionalProperties":false}"""));
        Assert.Contains("additional-kv", Grammar("""{"type":"object","properties":{"a":{}},"additionalProperties":true}"""));
        var typed = Grammar("""{"type":"object","properties":{"a":{}},"additionalProperties":{"type":"integer"}}""");
        Assert.Matches(@"additional-kv ::= string ws "":"" ws integer ws", typed);
    }

    [Fact]
    public void An_object_without_declared_properties_is_any_object()
    {
        var grammar = Grammar("""{"type":"object"}""");
        Assert.StartsWith("root ::= value\n", grammar);
        // Its extra pairs are any JSON pair: the same rule as json_object's.
        Assert.Contains("value-additional-kvs ::= any-kv ( \",\" ws any-kv )*", grammar);
    }

    [Fact]
    public void Nested_objects_and_allOf_merges_are_closed_too()
    {
        var nested = Grammar("""{"type":"object","properties":{"inner":{"type":"object","properties":{"x":{"type":"integer"}}}},"required":["inner"]}""");
        Assert.DoesNotContain("additional", nested);
        var merged = Grammar("""{"allOf":[{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]},{"properties":{"b":{"type":"integer"}}}]}""");
        Assert.DoesNotContain("additional", merged);
        Assert.Contains("b-kv", merged);
    }

    [Fact]
    public void Required_keys_come_first_in_declared_order()
    {
        var grammar = Grammar("""{"type":"object","properties":{"z":{"type":"integer"},"y":{"type":"integer"},"x":{"type":"integer"}},"required":["x","z"],"additionalProperties":false}""");
        var root = grammar.Split('\n')[0];
        var rule = root["root ::= ".Length..];
        var body = grammar.Split('\n').Single(l => l.StartsWith(rule + " ::= ", StringComparison.Ordinal));
        Assert.True(body.IndexOf("z-kv", StringComparison.Ordinal) < body.IndexOf("x-kv", StringComparison.Ordinal), body);
        Assert.Contains("y-kv", grammar);
        Assert.Matches(@"\( "","" ws [a-z-]+ \)\?", body);
    }

    [Fact]
    public void Property_names_and_constants_are_escaped()
    {
        var grammar = Grammar("""{"type":"object","properties":{"say \"hi\"\\":{"const":"tab\there é"}},"required":["say \"hi\"\\"]}""");
        Assert.Contains("\"\\\"say \\\\\\\"hi\\\\\\\"\\\\\\\\\\\"\"", grammar);
        Assert.Contains("\"\\\"tab\\\\there é\\\"\"", grammar);
    }

    [Fact]
    public void Whitespace_is_bounded_and_can_be_turned_off()
    {
        // As llama.cpp's SPACE_RULE: one space at most on a line, or a line break and bounded indentation.
        var grammar = Grammar("""{"type":"array","items":{"type":"integer"}}""", new JsonGrammarOptions { MaxWhitespace = 3 });
        Assert.Contains("ws ::= ( \" \" | \"\\n\" [ \\t]{0,3} )?\n", grammar);
        Assert.Contains("ws ::= ( \" \" | \"\\n\" [ \\t]{0,20} )?\n", Grammar("""{"type":"array"}"""));
        Assert.Contains("ws ::= ( \" \" | \"\\n\" [ \\t]{0,20} )?\n", JsonSchemaGrammar.AnyJsonObject());
        var compact = Grammar("""{"type":"array","items":{"type":"integer"}}""", new JsonGrammarOptions { MaxWhitespace = 0 });
        Assert.DoesNotContain("ws", compact);
    }

    [Fact]
    public void Strings_exclude_raw_control_characters_and_allow_escapes()
    {
        var grammar = Grammar("""{"type":"string"}""");
        Assert.Contains("char ::= [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ( [\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4} )", grammar);
    }

    [Fact]
    public void Any_json_object_grammar_is_an_object_at_the_top()
    {
        var grammar = JsonSchemaGrammar.AnyJsonObject();
        Assert.Empty(GbnfLint.Check(grammar));
        Assert.StartsWith("root ::= any-object\n", grammar);
        Assert.Contains("any-object ::= \"{\"", grammar);
    }

    [Fact]
    public void Enum_values_of_other_types_than_the_schema_type_are_dropped()
    {
        var grammar = Grammar("""{"type":["integer","null"],"enum":["a",1,2.5,null,3.0]}""");
        Assert.Contains("value ::= \"1\" | \"null\" | \"3.0\"\n", grammar);
    }

    [Fact]
    public void Exclusive_integer_bounds_are_moved_inwards()
    {
        Assert.Contains("value ::= \"-\" \"1\" | [0-1]\n", Grammar("""{"type":"integer","minimum":-1,"exclusiveMaximum":2}"""));
        Assert.Contains("value ::= [3-9] | [1-9] [0-9]{1,18}\n", Grammar("""{"type":"integer","exclusiveMinimum":2.0}"""));
        Assert.Contains("value ::= [3-9] | [1-9] [0-9]{1,18}\n", Grammar("""{"type":"integer","minimum":2.5}"""));
    }
}

public sealed class PatternGrammarTests
{
    [Theory]
    [InlineData("^[a-z]+$", "[a-z]+")]
    [InlineData("^\\d{3}$", "[0-9]{3}")]
    [InlineData("^(cat|dog)s?$", "( ( \"c\" \"a\" \"t\" ) | ( \"d\" \"o\" \"g\" ) )")]
    [InlineData("^[^a]$", "[ -!#-\\[\\]-`b-~\\u0080-\\U0010FFFF]")]
    [InlineData("^a\"$", "\"a\"")]
    [InlineData("^[-^]$", "[\\x2D\\x5E]")]
    public void Translates_pieces(string pattern, string expected)
    {
        var gbnf = PatternGrammar.Translate(pattern, "", 1000, "char");
        Assert.Contains(expected, gbnf);
        Assert.DoesNotContain("char*", gbnf);
    }

    [Fact]
    public void Unanchored_patterns_allow_text_around_the_match()
    {
        Assert.Equal("char* \"a\" char*", PatternGrammar.Translate("a", "", 1000, "char"));
        Assert.Equal("\"a\" char*", PatternGrammar.Translate("^a", "", 1000, "char"));
    }

    [Fact]
    public void Quotes_and_backslashes_are_written_as_json_escapes()
    {
        // The regex ^"\\$ means a quote then a backslash; JSON writes them as \" and \\.
        Assert.Equal("""( "\\\"" "\\\\" )""", PatternGrammar.Translate("^\"\\\\$", "", 1000, "char"));
    }
}
