using System.CommandLine;
using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Signing;
using MicroAI.ModelRegistry.Sources;
using MicroAI.Server.Management;

namespace MicroAI.Server.Cli;

/// <summary>
/// microai sign REGISTRY/REPOSITORY[:TAG] --key FILE: signs the artifact the reference names, in
/// cosign's key-based format (its sha256-HEX.sig tag), so `cosign verify --key` and MicroAI's trust
/// policy accept it. Signatures already there are kept.
/// </summary>
internal static class SignCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("reference") { Description = "registry[:port]/repository[:tag|@sha256:…], optionally with oci://" };
        var key = new Option<string>("--key", "-k") { Description = $"The private key (PEM; encrypted PKCS#8 takes {SigningKeys.PasswordVariable}).", Required = true };
        var command = new Command("sign", "Sign a model in an OCI registry (cosign's format, ECDSA P-256).") { target, key, CliApp.Json };
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            using var http = HttpBlobDownloader.CreateHttpClient();
            var registry = new OciRegistry(context.Store, http, OciConfiguration.From(context.Configuration, context.Options));
            var (digest, kind, error) = await registry.SignAsync(result.GetValue(target)!, result.GetValue(key)!, ct);
            if (digest is null)
                return CliOutput.Error(error!, ExitCodes.From(kind), json);
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("status", "success");
                    w.WriteString("digest", digest);
                    w.WriteString("signature_tag", CosignSignatures.SignatureTag(digest));
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"Signed {digest} (tag {CosignSignatures.SignatureTag(digest)}).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
