using System.CommandLine;
using MicroAI.ModelRegistry.Signing;

namespace MicroAI.Server.Cli;

/// <summary>
/// microai keygen --output PREFIX: an ECDSA P-256 key pair for signing models, in the PEM forms
/// cosign reads (PREFIX.pub for `cosign verify --key` and MicroAI:Trust:PublicKeys; PREFIX.key,
/// owner-only, for signing). With MICROAI_KEY_PASSWORD set the private key is encrypted PKCS#8.
/// </summary>
internal static class KeygenCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o") { Description = "Path prefix of the key pair: writes PREFIX.key and PREFIX.pub.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace existing PREFIX.key and PREFIX.pub." };
        var command = new Command("keygen", $"Create a key pair for signing models (ECDSA P-256, cosign-compatible). Set {SigningKeys.PasswordVariable} to encrypt the private key.")
        {
            output, force, CliApp.Json,
        };
        command.SetAction(result =>
        {
            var json = result.GetValue(CliApp.Json);
            var password = Environment.GetEnvironmentVariable(SigningKeys.PasswordVariable);
            string privatePath, publicPath;
            try
            {
                (privatePath, publicPath) = SigningKeys.WriteKeyPair(result.GetValue(output)!, password, result.GetValue(force));
            }
            catch (SigningKeyException ex)
            {
                return CliOutput.Error(ex.Message, ExitCodes.Invalid, json);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return CliOutput.Error($"Cannot write the key pair: {ex.Message}", ExitCodes.Failed, json);
            }
            var fingerprint = SigningKeys.ReadPublicKeyFile(publicPath).Fingerprint;
            var encrypted = !string.IsNullOrEmpty(password);
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("private_key", privatePath);
                    w.WriteString("public_key", publicPath);
                    w.WriteString("fingerprint", fingerprint);
                    w.WriteBoolean("encrypted", encrypted);
                    w.WriteEndObject();
                });
                return ExitCodes.Ok;
            }
            Console.WriteLine($"Private key written to {privatePath} (owner read/write only{(encrypted ? $", encrypted with {SigningKeys.PasswordVariable}" : ", not encrypted")}).");
            Console.WriteLine($"Public key written to {publicPath} ({fingerprint}).");
            Console.WriteLine($"Trust it on a server: MicroAI__Trust__PublicKeys__0={publicPath}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
