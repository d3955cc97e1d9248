using System.Text;
using MicroAI.ModelRegistry.Oci;
using MicroAI.Tests.Shared;

namespace MicroAI.ModelRegistry.Tests.Oci;

public sealed class DockerConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("microai-dockercfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DockerConfigFile Write(string json)
    {
        var path = Path.Combine(_dir, "config.json");
        File.WriteAllText(path, json);
        return new DockerConfigFile(path);
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void ReadsAuth_UsernamePassword_AndUrlKeys()
    {
        var config = Write($$"""
            {"auths":{
              "registry.local:5000":{"auth":"{{B64("alice:s3cret:with:colons")}}"},
              "https://Other.Example/v1/":{"username":"bob","password":"pw"},
              "broken.example":{"auth":"not base64!"}
            },"credsStore":"desktop"}
            """);
        Assert.Equal(new RegistryCredential("alice", "s3cret:with:colons"), config.Find("registry.local:5000"));
        Assert.Equal(new RegistryCredential("bob", "pw"), config.Find("other.example"));
        Assert.Null(config.Find("broken.example"));
        Assert.Null(config.Find("registry.local:5001"));
        Assert.Null(config.Find("unknown.example"));
    }

    [Fact]
    public void MissingOrUnreadableFile_HasNoCredentials()
    {
        Assert.Null(new DockerConfigFile(Path.Combine(_dir, "none.json")).Find("x.example"));
        Assert.Null(Write("{not json").Find("x.example"));
        Assert.Null(Write("""{"auths":[]}""").Find("x.example"));
    }

    [Fact]
    public void Save_ReplacesTheEntry_KeepsOthers_AndIsOwnerOnly()
    {
        var config = Write($$$"""{"auths":{"keep.example":{"auth":"{{{B64("k:k")}}}"},"http://reg.example:5000":{"auth":"{{{B64("old:old")}}}"}},"other":1}""");
        config.Save("reg.example:5000", new RegistryCredential("new", "pw"));

        Assert.Equal(new RegistryCredential("new", "pw"), config.Find("reg.example:5000"));
        Assert.Equal(new RegistryCredential("k", "k"), config.Find("keep.example"));
        Assert.DoesNotContain("old", File.ReadAllText(config.Path), StringComparison.Ordinal);
        Assert.Contains("\"other\"", File.ReadAllText(config.Path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config.Path));
    }

    [Fact]
    public void Default_FollowsDockerConfig_WhichTheTestsPointIntoTheirOwnHome()
    {
        var path = DockerConfigFile.Default().Path;
        Assert.Equal(Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG")!, "config.json"), path);
        Assert.StartsWith(HermeticEnvironment.Root, path, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_PreferMicroAILogins_ThenDocker_AndPlainHttpOnlyForLoopbackOrInsecure()
    {
        var logins = new DockerConfigFile(Path.Combine(_dir, "logins.json"));
        logins.Save("both.example", new RegistryCredential("mine", "1"));
        var docker = Write($$$$"""{"auths":{"both.example":{"auth":"{{{{B64("docker:2")}}}}"},"docker.example":{"auth":"{{{{B64("docker:3")}}}}"}}}""");
        var settings = new OciSettings { Logins = logins, DockerConfig = docker, Insecure = ["lan.example:5000"] };

        Assert.Equal("mine", settings.FindCredential("both.example")!.Username);
        Assert.Equal("docker", settings.FindCredential("docker.example")!.Username);
        Assert.Null(settings.FindCredential("nobody.example"));

        Assert.Equal("http://127.0.0.1:5000/", settings.BaseUri("127.0.0.1:5000").ToString());
        Assert.Equal("http://localhost:5000/", settings.BaseUri("localhost:5000").ToString());
        Assert.Equal("http://[::1]:5000/", settings.BaseUri("[::1]:5000").ToString());
        Assert.Equal("http://lan.example:5000/", settings.BaseUri("lan.example:5000").ToString());
        Assert.Equal("https://lan.example:5001/", settings.BaseUri("lan.example:5001").ToString());
        Assert.Equal("https://registry.example/", settings.BaseUri("registry.example").ToString());
    }
}
