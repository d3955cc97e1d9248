using System.CommandLine;
using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.Server.Management;

namespace MicroAI.Server.Cli;

/// <summary>microai login REGISTRY --username USER (--password-stdin | --password PASS)</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var registry = new Argument<string>("registry") { Description = "registry[:port]" };
        var username = new Option<string?>("--username", "-u") { Description = "User name." };
        var password = new Option<string?>("--password", "-p") { Description = "Password or token (visible in the process list: prefer --password-stdin)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password or token from standard input." };
        var command = new Command("login", "Check and store credentials for an OCI registry (in MicroAI's data folder, readable by you only).");
        command.Arguments.Add(registry);
        command.Options.Add(username);
        command.Options.Add(password);
        command.Options.Add(passwordStdin);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var user = result.GetValue(username);
            var secret = result.GetValue(passwordStdin) ? (await Console.In.ReadToEndAsync(ct)).TrimEnd('\r', '\n') : result.GetValue(password);
            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(secret))
                return CliOutput.Error("login needs --username and a password (--password-stdin or --password).", ExitCodes.Invalid, json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var settings = OciConfiguration.From(context.Configuration, context.Options);
            using var http = HttpBlobDownloader.CreateHttpClient();
            var host = result.GetValue(registry)!;
            var done = await new OciRegistry(context.Store, http, settings).LoginAsync(host, new RegistryCredential(user, secret), ct);
            if (!done.Success)
                return CliOutput.Error(done.Error!, ExitCodes.From(done.Kind), json);
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("status", "success");
                    w.WriteString("registry", DockerConfigFile.NormalizeHost(host));
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"Login succeeded; credentials stored in {settings.Logins.Path}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
