using System.CommandLine;
using MicroAI.Server.Fleet;

namespace MicroAI.Server.Cli;

/// <summary>
/// microai rollback MODEL: a model that follows a registry tag goes back to the version it served
/// before the current one (kept by KeepVersions). A running server serves it from its next request
/// on; the follower leaves the rolled-back digest alone until the tag moves to another one.
/// </summary>
internal static class RollbackCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model that follows a registry tag (MicroAI:Models:ID:Follow)." };
        var command = new Command("rollback", "Serve the previous version of a model that follows a registry tag.") { model, CliApp.Json };
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var id = result.GetValue(model)!.ToLowerInvariant();
            if (id.EndsWith(":latest", StringComparison.Ordinal))
                id = id[..^":latest".Length];
            var path = FollowState.PathOf(context.Options.ResolveDataDirectory(), id);
            if (FollowState.Load(path) is not { } state || state.Versions.Count == 0)
                return CliOutput.Error($"'{id}' has no update history here: rollback works for models that follow a registry tag (MicroAI:Models:{id}:Follow) and have been updated.", ExitCodes.NotFound, json);
            var current = state.Versions.FindLastIndex(v => v.Digest == state.CurrentDigest);
            if (current <= 0)
                return CliOutput.Error($"'{id}' keeps no version older than the one it serves ({state.CurrentDigest}); raise MicroAI:Models:{id}:KeepVersions to keep more.", ExitCodes.Invalid, json);
            var previous = state.Versions[current - 1];
            // The state first: a running follower that sees the retag then also sees which digest to leave alone.
            (state with { CurrentDigest = previous.Digest, RolledBackFrom = state.CurrentDigest }).Save(path);
            var tagged = await context.Store.TagAsync(previous.Tag, $"{id}:latest", ct);
            if (!tagged.Success)
            {
                state.Save(path);
                return CliOutput.Error($"Cannot switch '{id}' to {previous.Digest}: {tagged.Error}", ExitCodes.From(tagged.Kind), json);
            }
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("status", "success");
                    w.WriteString("model", id);
                    w.WriteString("digest", previous.Digest);
                    w.WriteString("rolled_back_from", state.CurrentDigest);
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"{id} now serves {previous.Digest} (was {state.CurrentDigest}); the follower skips that digest until the tag moves.");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
