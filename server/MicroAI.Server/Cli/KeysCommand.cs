using System.CommandLine;
using MicroAI.Server.Security;
using Spectre.Console;

namespace MicroAI.Server.Cli;

/// <summary>
/// microai keys create|list|revoke: the API keys in DataDirectory/keys.json. A running server reads
/// the file again on its next request, so changes count at once. The key itself is printed once, by
/// create, and never stored.
/// </summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage API keys (stored hashed in DataDirectory/keys.json; a running server sees changes at once).");
        keys.Subcommands.Add(CreateKey());
        keys.Subcommands.Add(ListKeys());
        keys.Subcommands.Add(RevokeKey());
        foreach (var command in keys.Subcommands)
            command.TreatUnmatchedTokensAsErrors = false;
        return keys;
    }

    private static Command CreateKey()
    {
        var scope = new Option<string[]>("--scope") { Description = "inference (the OpenAI routes) or admin (everything); repeat or comma-separate for several.", DefaultValueFactory = _ => [ApiScopes.Inference] };
        var name = new Option<string?>("--name") { Description = "A label for lists and the audit log (default: the key's id)." };
        var rpm = new Option<int?>("--requests-per-minute") { Description = "This key's request rate limit (default: MicroAI:Security:RateLimits)." };
        var tpm = new Option<int?>("--tokens-per-minute") { Description = "This key's token rate limit (default: MicroAI:Security:RateLimits)." };
        var localOnly = new Option<bool>("--local-only") { Description = "Requests with this key are never forwarded to an upstream, whatever model they name." };
        var noSave = new Option<bool>("--no-save") { Description = "Print the key and its configuration entry (MicroAI:Security:ApiKeys) instead of adding it to the key file." };
        var command = new Command("create", "Create a key and print it (once).") { scope, name, rpm, tpm, localOnly, noSave, CliApp.Json };
        command.SetAction(result =>
        {
            var json = result.GetValue(CliApp.Json);
            var scopes = result.GetValue(scope)!.SelectMany(s => CliApp.ParseList(s)!).Select(s => s.ToLowerInvariant()).Distinct().ToList();
            if (scopes.FirstOrDefault(s => !ApiScopes.IsKnown(s)) is { } unknown)
                return CliOutput.Error($"Unknown scope '{unknown}'; the scopes are {string.Join(", ", ApiScopes.All)}.", ExitCodes.Invalid, json);
            if (scopes.Count == 0)
                return CliOutput.Error("Give a scope: --scope inference or --scope admin.", ExitCodes.Invalid, json);
            if (result.GetValue(rpm) is < 0 || result.GetValue(tpm) is < 0)
                return CliOutput.Error("Rate limits are 0 (none) or more.", ExitCodes.Invalid, json);

            var secret = ApiKeyHash.NewKey();
            var id = ApiKeyFile.NewId();
            var key = new ApiKey(id, result.GetValue(name) ?? id, ApiKeyHash.Digest(secret), scopes, DateTimeOffset.UtcNow,
                secret[..8], result.GetValue(rpm), result.GetValue(tpm), LocalOnly: result.GetValue(localOnly));
            var context = new KeysContext(result);
            if (!result.GetValue(noSave))
            {
                var failed = context.Change(list => list.Add(key));
                if (failed is not null)
                    return CliOutput.Error(failed, ExitCodes.Failed, json);
                context.Audit("key.create", $"{key.Name} ({key.Id}) [{string.Join(",", scopes)}]{(key.LocalOnly ? " local-only" : "")}");
            }
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("id", id);
                    w.WriteString("name", key.Name);
                    w.WriteString("key", secret);
                    w.WriteString("hash", ApiKeyHash.Of(secret));
                    w.WriteStartArray("scopes");
                    foreach (var s in scopes)
                        w.WriteStringValue(s);
                    w.WriteEndArray();
                    w.WriteBoolean("local_only", key.LocalOnly);
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine(secret);
                if (result.GetValue(noSave))
                {
                    Console.Error.WriteLine("Not saved. Give the server this entry (environment variables shown):");
                    Console.Error.WriteLine($"  MicroAI__Security__ApiKeys__0__Hash={ApiKeyHash.Of(secret)}");
                    for (var i = 0; i < scopes.Count; i++)
                        Console.Error.WriteLine($"  MicroAI__Security__ApiKeys__0__Scopes__{i}={scopes[i]}");
                    if (key.LocalOnly)
                        Console.Error.WriteLine("  MicroAI__Security__ApiKeys__0__LocalOnly=true");
                }
                else
                {
                    Console.Error.WriteLine($"Created {key.Name} ({id}) with scopes {string.Join(", ", scopes)}{(key.LocalOnly ? ", local-only" : "")} in {context.KeyFile}.");
                    Console.Error.WriteLine("This is the only time the key is shown; store it now.");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListKeys()
    {
        var command = new Command("list", "List keys (never the keys themselves).") { CliApp.Json };
        command.Aliases.Add("ls");
        command.SetAction(result =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new KeysContext(result);
            List<ApiKey> list;
            try
            {
                list = ApiKeyFile.Read(context.KeyFile);
            }
            catch (InvalidDataException ex)
            {
                return CliOutput.Error(ex.Message, ExitCodes.Failed, json);
            }
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartArray();
                    foreach (var k in list)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", k.Id);
                        w.WriteString("name", k.Name);
                        w.WriteString("prefix", k.Prefix);
                        w.WriteStartArray("scopes");
                        foreach (var s in k.Scopes)
                            w.WriteStringValue(s);
                        w.WriteEndArray();
                        w.WriteBoolean("local_only", k.LocalOnly);
                        if (k.Created is { } created)
                            w.WriteString("created", created);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                });
                return ExitCodes.Ok;
            }
            if (list.Count == 0)
            {
                Console.WriteLine($"No keys in {context.KeyFile}. Create one: microai keys create --scope inference");
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Simple).AddColumns("ID", "NAME", "PREFIX", "SCOPES", "LOCAL-ONLY", "LIMITS", "CREATED");
            foreach (var k in list)
            {
                table.AddRow(k.Id, Markup.Escape(k.Name), Markup.Escape((k.Prefix ?? "") + "…"), string.Join(", ", k.Scopes), k.LocalOnly ? "yes" : "-",
                    $"{(k.RequestsPerMinute is { } r ? r + " req/min" : "-")} {(k.TokensPerMinute is { } t ? t + " tok/min" : "")}".Trim(),
                    k.Created is { } c ? CliOutput.Age(c, DateTimeOffset.UtcNow) : "-");
            }
            CliOutput.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RevokeKey()
    {
        var which = new Argument<string>("key") { Description = "The key's id or name (as `keys list` shows)." };
        var command = new Command("revoke", "Revoke a key: the next request with it gets 401.") { which, CliApp.Json };
        command.SetAction(result =>
        {
            var json = result.GetValue(CliApp.Json);
            var id = result.GetValue(which)!;
            var context = new KeysContext(result);
            ApiKey? removed = null;
            var ambiguous = false;
            var failed = context.Change(list =>
            {
                var matches = list.Where(k => k.Id == id).ToList();
                if (matches.Count == 0)
                    matches = list.Where(k => k.Name == id).ToList();
                ambiguous = matches.Count > 1;
                if (matches.Count == 1)
                {
                    removed = matches[0];
                    list.Remove(removed);
                }
            });
            if (failed is not null)
                return CliOutput.Error(failed, ExitCodes.Failed, json);
            if (ambiguous)
                return CliOutput.Error($"Several keys are named '{id}'; revoke one by its id (microai keys list).", ExitCodes.Invalid, json);
            if (removed is null)
                return CliOutput.Error($"No key '{id}' in {context.KeyFile}.", ExitCodes.NotFound, json);
            context.Audit("key.revoke", $"{removed.Name} ({removed.Id})");
            if (json)
                CliOutput.JsonLine(w => { w.WriteStartObject(); w.WriteString("revoked", removed.Id); w.WriteEndObject(); });
            else
                Console.WriteLine($"revoked {removed.Name} ({removed.Id})");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The key file and audit log this configuration points at.</summary>
    private sealed class KeysContext
    {
        private readonly CliContext _cli;
        private readonly SecurityOptions _security;

        public KeysContext(ParseResult result)
        {
            _cli = new CliContext(CliApp.ConfigurationArguments(result));
            _security = _cli.Configuration.GetSection("MicroAI:Security").Get<SecurityOptions>() ?? new SecurityOptions();
            KeyFile = Path.GetFullPath(_security.KeyFile ?? ApiKeyFile.DefaultPath(_cli.Options.ResolveDataDirectory()));
        }

        public string KeyFile { get; }

        /// <summary>Read, change, write back, holding a lock file so two CLI runs cannot lose each other's change. Returns an error message or null.</summary>
        public string? Change(Action<List<ApiKey>> change)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(KeyFile)!);
                using var gate = AcquireLock(KeyFile + ".lock");
                var list = ApiKeyFile.Read(KeyFile);
                change(list);
                ApiKeyFile.Write(KeyFile, list);
                return null;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return $"Could not update {KeyFile}: {ex.Message}";
            }
        }

        public void Audit(string action, string target)
        {
            try
            {
                AuditLog.Append(AuditLog.PathFor(_security, _cli.Options), DateTimeOffset.UtcNow, "cli:" + Environment.UserName, null, action, target, null);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"warning: could not write the audit log: {ex.Message}");
            }
        }

        private static FileStream AcquireLock(string path)
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                }
                catch (IOException) when (attempt < 100)
                {
                    Thread.Sleep(50);
                }
            }
        }
    }
}
