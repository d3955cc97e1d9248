using MicroAI.ModelRegistry.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace MicroAI.Server.Tests;

/// <summary>`microai keygen` as a user runs it, and the server's start with a trust policy made from its keys.</summary>
public sealed class KeygenAndTrustConfigurationTests
{
    [Fact]
    public async Task Keygen_writes_the_pair_owner_only_and_refuses_to_overwrite_it()
    {
        using var data = new TempDataDirectory();
        var prefix = Path.Combine(data.Path, "signing", "fleet");

        var made = await MicroAICli.RunAsync(data.Path, "keygen", "--output", prefix, "--json");

        Assert.True(made.ExitCode == 0, made.Stderr);
        var json = Assert.Single(made.JsonLines);
        Assert.Equal(prefix + ".key", (string?)json["private_key"]);
        Assert.Equal(prefix + ".pub", (string?)json["public_key"]);
        Assert.False((bool)json["encrypted"]!);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(prefix + ".key"));
        using var key = SigningKeys.ReadPrivateKeyFile(prefix + ".key");
        Assert.Equal((string?)json["fingerprint"], SigningKeys.Fingerprint(key));
        Assert.Equal((string?)json["fingerprint"], SigningKeys.ReadPublicKeyFile(prefix + ".pub").Fingerprint);

        var again = await MicroAICli.RunAsync(data.Path, "keygen", "--output", prefix);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.Stderr);
    }

    [Fact]
    public async Task The_server_starts_with_the_policy_and_refuses_an_unreadable_key_naming_the_entry()
    {
        using var data = new TempDataDirectory();
        var prefix = Path.Combine(data.Path, "fleet");
        SigningKeys.WriteKeyPair(prefix, null, overwrite: false);
        string[] common = ["--urls", "http://127.0.0.1:0", "--MicroAI:DataDirectory=" + data.Path, "--MicroAI:OllamaModelsDirectory=none"];

        await using var app = MicroAIApp.Build([.. common, "--MicroAI:Trust:PublicKeys:0=" + prefix + ".pub", "--MicroAI:Trust:RequireSignature:0=registry.local:5000/models/"]);
        var policy = app.Services.GetRequiredService<TrustPolicy>();
        Assert.True(policy.Requires("registry.local:5000/models/stories:stable"));
        Assert.False(policy.Requires("registry.local:5000/scratch/stories:stable"));
        Assert.Equal(prefix + ".pub", Assert.Single(policy.Keys).Source);

        var ex = Assert.Throws<InvalidOperationException>(() => MicroAIApp.Build([.. common, "--MicroAI:Trust:PublicKeys:0=" + prefix + ".missing"]));
        Assert.StartsWith("Invalid configuration", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MicroAI:Trust:PublicKeys:0", ex.Message, StringComparison.Ordinal);
        Assert.Contains(prefix + ".missing", ex.Message, StringComparison.Ordinal);
    }
}
