using System.CommandLine;
using MicroAI.ModelRegistry.Oci;
using MicroAI.ModelRegistry.Sources;
using MicroAI.ModelRegistry.Store;
using Spectre.Console;
using MicroAI.Server.Management;

namespace MicroAI.Server.Cli;

/// <summary>microai pull SOURCE [--name NAME] [--digest sha256:HEX] [--json]</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "https://… URL, hf://owner/repo[@revision]/path/file.gguf, or an OCI reference registry[:port]/repository[:tag|@sha256:…]" };
        var name = new Option<string?>("--name") { Description = "Registry name (default: from the file name)." };
        var digest = new Option<string?>("--digest") { Description = "Expected sha256 of the file (of the manifest, for an OCI reference); a mismatch keeps nothing." };
        var capabilities = CliApp.CapabilitiesOption();
        var command = new Command("pull", "Download a model into the registry (resumes, verifies sha256).");
        command.Arguments.Add(source);
        command.Options.Add(name);
        command.Options.Add(digest);
        command.Options.Add(capabilities);
        command.Options.Add(CliApp.Json);
        command.SetAction(async (result, ct) =>
        {
            var json = result.GetValue(CliApp.Json);
            var context = new CliContext(CliApp.ConfigurationArguments(result));
            var caps = CliApp.ParseList(result.GetValue(capabilities));
            var request = new PullRequest(result.GetValue(source)!, result.GetValue(name), result.GetValue(digest), caps);
            using var http = HttpBlobDownloader.CreateHttpClient();
            Func<IProgress<PullProgress>, Task<StoreResult>> pull = OciReference.IsOciReference(request.Source)
                ? p => new OciRegistry(context.Store, http, OciConfiguration.From(context.Configuration, context.Options)).PullAsync(request, p, ct)
                : p => context.Store.PullAsync(request, http, p, ct);

            StoreResult pulled;
            if (json || Console.IsOutputRedirected)
            {
                var progress = new SynchronousProgress<PullProgress>(p => WriteProgress(p, json));
                pulled = await pull(progress);
            }
            else
            {
                pulled = default;
                await AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                        new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(Markup.Escape(request.Source.Length > 40 ? "…" + request.Source[^39..] : request.Source), maxValue: 1);
                        var progress = new SynchronousProgress<PullProgress>(p =>
                        {
                            if (p.Total is { } total && total > 0)
                                task.MaxValue = total;
                            task.Value = p.Completed;
                            task.Description = Markup.Escape(p.Status);
                        });
                        pulled = await pull(progress);
                        if (pulled.Success)
                            task.Value = task.MaxValue;
                        task.StopTask();
                    });
            }

            if (!pulled.Success)
                return CliOutput.Error(pulled.Error!, ExitCodes.From(pulled.Kind), json);
            var manifest = pulled.Manifest!;
            if (json)
            {
                CliOutput.JsonLine(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("status", "success");
                    w.WriteString("model", manifest.ModelName.ToString());
                    w.WriteString("digest", manifest.MainFile?.Digest);
                    w.WriteEndObject();
                });
            }
            else
            {
                Console.WriteLine($"pulled {manifest.ModelName} ({CliOutput.Size(manifest.TotalSize)}, {manifest.MainFile?.Digest})");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteProgress(PullProgress p, bool json)
    {
        if (!json)
        {
            Console.Error.WriteLine(p.Total is { } t ? $"{p.Status} {p.Completed}/{t} bytes" : $"{p.Status} {p.Completed} bytes");
            return;
        }
        CliOutput.JsonLine(w => PullProgressJson.Write(w, p));
    }
}

/// <summary>IProgress that runs the handler on the reporting thread (Progress&lt;T&gt; would post to the thread pool and reorder).</summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    private readonly Lock _gate = new();

    public void Report(T value)
    {
        lock (_gate)
            handler(value);
    }
}
