using System.Net;
using System.Text.Json.Nodes;
using MicroAI.ModelRegistry;
using MicroAI.Server.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MicroAI.Server.Tests.Security;

/// <summary>
/// The local-only flag travels from wherever a key is made (the CLI, the key file, configuration) to
/// the <see cref="ApiKey"/> the server authenticates with; the key otherwise works like any other.
/// Whether such a key is ever forwarded is the routing's test (Upstreams).
/// </summary>
[Collection(KeyedServerCollection.Name)]
public sealed class LocalOnlyKeyTests(KeyedServerFixture server)
{
    [Fact]
    public async Task KeysCreateLocalOnly_IsStoredListedAndLoaded_AndTheKeyServesLocalModels()
    {
        var localOnly = await MicroAICli.RunAsync(server.DataDirectory, "keys", "create", "--scope", "inference", "--name", "on-box", "--local-only", "--json");
        Assert.True(localOnly.ExitCode == 0, localOnly.ToString());
        Assert.True((bool?)localOnly.Json["local_only"]);
        var plain = await MicroAICli.RunAsync(server.DataDirectory, "keys", "create", "--scope", "inference", "--name", "anywhere", "--json");
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.False((bool?)plain.Json["local_only"]);
        var (localOnlyId, plainId) = ((string)localOnly.Json["id"]!, (string)plain.Json["id"]!);
        try
        {
            var listed = (await MicroAICli.RunAsync(server.DataDirectory, "keys", "list", "--json")).Json.AsArray();
            Assert.True((bool?)listed.Single(k => (string?)k!["id"] == localOnlyId)!["local_only"]);
            Assert.False((bool?)listed.Single(k => (string?)k!["id"] == plainId)!["local_only"]);
            var table = await MicroAICli.RunAsync(server.DataDirectory, "keys", "list");
            Assert.Contains("LOCAL-ONLY", table.Stdout);
            Assert.Matches(@"on-box.*\byes\b", table.Stdout);

            var stored = ApiKeyFile.Read(ApiKeyFile.DefaultPath(server.DataDirectory));
            Assert.True(stored.Single(k => k.Id == localOnlyId).LocalOnly);
            Assert.False(stored.Single(k => k.Id == plainId).LocalOnly);

            // The server's own view, as the routing reads it: the key it authenticates carries the flag.
            var store = server.Services.GetRequiredService<ApiKeyStore>();
            Assert.True(store.AuthenticationRequired);
            Assert.True(store.Authenticate((string)localOnly.Json["key"]!)?.LocalOnly);
            Assert.False(store.Authenticate((string)plain.Json["key"]!)?.LocalOnly);

            // Local-only limits where a request may go, not what it may do on the box.
            using var request = KeyedServerFixture.Request(HttpMethod.Post, "/v1/chat/completions", (string)localOnly.Json["key"]!,
                """{"model":"stories260K","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":4,"temperature":0}""");
            using var response = await server.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(text)!["choices"]![0]!["message"]!["content"]));
        }
        finally
        {
            await MicroAICli.RunAsync(server.DataDirectory, "keys", "revoke", localOnlyId);
            await MicroAICli.RunAsync(server.DataDirectory, "keys", "revoke", plainId);
        }
    }

    [Fact]
    public async Task KeysCreateNoSave_PrintsTheLocalOnlyEntry_AndOnlyForALocalOnlyKey()
    {
        var folder = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            var localOnly = await MicroAICli.RunAsync(folder, "keys", "create", "--local-only", "--no-save");
            Assert.True(localOnly.ExitCode == 0, localOnly.ToString());
            Assert.Contains("MicroAI__Security__ApiKeys__0__LocalOnly=true", localOnly.Stderr);
            var plain = await MicroAICli.RunAsync(folder, "keys", "create", "--no-save");
            Assert.True(plain.ExitCode == 0, plain.ToString());
            Assert.DoesNotContain("LocalOnly", plain.Stderr);
            Assert.False(File.Exists(ApiKeyFile.DefaultPath(folder)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ConfiguredKey_WithLocalOnly_LoadsAsLocalOnly()
    {
        var folder = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            var (onBox, anywhere) = (ApiKeyHash.NewKey(), ApiKeyHash.NewKey());
            // Bound from configuration keys exactly as the server binds MicroAI:Security.
            var security = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["MicroAI:Security:ApiKeys:0:Name"] = "on-box",
                ["MicroAI:Security:ApiKeys:0:Hash"] = ApiKeyHash.Of(onBox),
                ["MicroAI:Security:ApiKeys:0:LocalOnly"] = "true",
                ["MicroAI:Security:ApiKeys:1:Name"] = "anywhere",
                ["MicroAI:Security:ApiKeys:1:Hash"] = ApiKeyHash.Of(anywhere),
            }).Build().GetSection("MicroAI:Security").Get<SecurityOptions>()!;
            security.KeyFile = Path.Combine(folder, "keys.json");
            var store = new ApiKeyStore(Options.Create(security), Options.Create(new ModelRegistryOptions { DataDirectory = folder }), NullLogger<ApiKeyStore>.Instance);

            Assert.True(store.AuthenticationRequired);
            var key = store.Authenticate(onBox);
            Assert.NotNull(key);
            Assert.True(key.LocalOnly);
            Assert.Equal("configuration", key.Source);
            Assert.False(store.Authenticate(anywhere)?.LocalOnly);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void KeyFile_WithoutTheField_LoadsAsNotLocalOnly_AndTheFieldIsWrittenOnlyWhenTrue()
    {
        var folder = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            var path = Path.Combine(folder, "keys.json");
            // A file as written before local-only keys existed.
            File.WriteAllText(path, $$"""
                { "keys": [ { "id": "key_old", "name": "old", "hash": "{{ApiKeyHash.Of(ApiKeyHash.NewKey())}}", "scopes": ["inference"], "created": null, "prefix": "mai_abcd" } ] }
                """);
            var old = Assert.Single(ApiKeyFile.Read(path));
            Assert.Equal("key_old", old.Id);
            Assert.False(old.LocalOnly);

            var local = new ApiKey("key_local", "local", ApiKeyHash.Digest(ApiKeyHash.NewKey()), [ApiScopes.Inference], null, null, LocalOnly: true);
            ApiKeyFile.Write(path, [old, local]);
            var entries = JsonNode.Parse(File.ReadAllText(path))!["keys"]!.AsArray();
            Assert.Null(entries.Single(e => (string?)e!["id"] == "key_old")!["local_only"]);
            Assert.True((bool?)entries.Single(e => (string?)e!["id"] == "key_local")!["local_only"]);
            var read = ApiKeyFile.Read(path);
            Assert.False(read.Single(k => k.Id == "key_old").LocalOnly);
            Assert.True(read.Single(k => k.Id == "key_local").LocalOnly);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("1")]
    [InlineData("\"true\"")]
    public void KeyFile_WithALocalOnlyThatIsNotABoolean_IsMalformed(string value)
    {
        var folder = Directory.CreateTempSubdirectory("microai-keys-").FullName;
        try
        {
            var path = Path.Combine(folder, "keys.json");
            File.WriteAllText(path, $$"""
                { "keys": [ { "id": "key_1", "hash": "{{ApiKeyHash.Of(ApiKeyHash.NewKey())}}", "local_only": {{value}} } ] }
                """);
            var error = Assert.Throws<InvalidDataException>(() => ApiKeyFile.Read(path));
            Assert.Contains("local_only", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
