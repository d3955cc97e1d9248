using System.CommandLine;
using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.Server.Management;

namespace MicroAI.Server.Cli;

/// <summary>microai push MODEL REGISTRY/REPOSITORY[:TAG] [--json]</summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model in the registry (name[:tag])." };
        var target = new Argument<string>("reference") { Description = "registry[:port]/repository[:tag], optionally with oci://" };
        var command = new Command("push", "Upload a model to an OCI registry (chunks the registry already has are not sent again).");
        command.Arguments.Add(model);
        command.Arguments.Add(target);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            using var http = HttpBlobDownloader.CreateHttpClient();
            var registry = new OciRegistry(context.Store, http, OciConfiguration.From(context.Configuration, context.Options));
            var last = "";
            var progress = new SynchronousProgress<PushProgress>(p =>
            {
                if (json)
                {
                    CliOutput.JsonLine(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("status", p.Status);
                        w.WriteNumber("completed", p.Completed);
                        w.WriteNumber("total", p.Total);
                        w.WriteNumber("blobs_uploaded", p.BlobsUploaded);
                        w.WriteNumber("blobs_skipped", p.BlobsSkipped);
                        w.WriteNumber("blobs_mounted", p.BlobsMounted);
                        w.WriteEndObject();
                    });
                }
                else if (p.Status != last)
                {
                    // One line per phase: a push of chunks already present is over in a moment.
                    last = p.Status;
                    Console.Error.WriteLine(p.Status);
                }
            });
            var pushed = await registry.PushAsync(result.GetValue(model)!, result.GetValue(target)!, progress, ct);
            if (!pushed.Success)
                return CliOutput.Error(pushed.Error!, ExitCodes.From(pushed.Kind), json);
            var r = pushed.Result!;
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("status", "success");
                    w.WriteString("reference", r.Reference);
                    w.WriteString("digest", r.Digest);
                    w.WriteNumber("bytes_uploaded", r.BytesUploaded);
                    w.WriteNumber("blobs_uploaded", r.BlobsUploaded);
                    w.WriteNumber("blobs_skipped", r.BlobsSkipped);
                    w.WriteNumber("blobs_mounted", r.BlobsMounted);
                    w.WriteNumber("layers", r.Layers);
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"pushed {r.Reference}@{r.Digest}: {CliOutput.Size(r.BytesUploaded)} uploaded in {r.BlobsUploaded} blobs, "
                    + $"{r.BlobsSkipped} already present, {r.BlobsMounted} mounted");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
