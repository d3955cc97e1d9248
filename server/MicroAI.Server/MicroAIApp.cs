using MicroAI.Engines.LlamaCpp;
using MicroAI.Engines.Onnx;
using MicroAI.ModelRegistry;
using MicroAI.Runtime;
using MicroAI.Server.Anthropic;
using MicroAI.Server.Generation;
using MicroAI.Server.Hosting;
using MicroAI.Server.Limits;
using MicroAI.Server.LlamaServer;
using MicroAI.Server.Management;
using MicroAI.Server.Observability;
using MicroAI.Server.OpenAI.ChatCompletions;
using MicroAI.Server.OpenAI.Classifications;
using MicroAI.Server.OpenAI.Completions;
using MicroAI.Server.OpenAI.Embeddings;
using MicroAI.Server.OpenAI.Models;
using MicroAI.Server.OpenAI.Moderations;
using MicroAI.Server.OpenAI.Rerank;
using MicroAI.Server.OpenAI.Responses;
using MicroAI.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MicroAI.Server;

/// <summary>Builds the server. Program.cs runs it; tests start the same thing on a loopback port.</summary>
public static class MicroAIApp
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json is read from beside the server's assembly; relative paths inside it
            // (DefaultModel, ModelsDirectory) are resolved against the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Loopback unless told otherwise (ASPNETCORE_URLS, --urls, or Kestrel endpoints in configuration).
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
            builder.WebHost.UseUrls(DefaultUrl);

        var section = builder.Configuration.GetSection("MicroAI");
        builder.Services.Configure<ModelRegistryOptions>(section);
        builder.Services.AddOptions<EngineOptions>().Bind(section)
            .Validate(o => !o.Validate().Any(), "Invalid MicroAI engine options")
            .ValidateOnStart();

        // Request limits: bound once, checked at start with the other options (ThrowOnInvalidConfiguration).
        var limitsSection = builder.Configuration.GetSection(RequestLimits.SectionName);
        builder.Services.Configure<RequestLimits>(limitsSection);
        var limits = limitsSection.Get<RequestLimits>() ?? new RequestLimits();
        // Our defaults first, then the Kestrel section (Kestrel:Limits:*) over them. The slim builder
        // binds only Kestrel's endpoints from configuration, not its Limits, so this binding is ours
        // (KestrelLimitsTests checks that a Kestrel:Limits value takes effect).
        builder.Services.Configure<KestrelServerOptions>(o => KestrelDefaults.Apply(o, limits));
        builder.Services.Configure<KestrelServerOptions>(builder.Configuration.GetSection("Kestrel"));
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);

        builder.Services.Configure<ModerationOptions>(section.GetSection("Moderation"));
        builder.Services.Configure<ModelRegistry.Signing.TrustOptions>(section.GetSection("Trust"));
        builder.Services.AddSingleton<ModelRegistry.Signing.TrustPolicy>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServerReadiness>();
        builder.Services.AddMicroAIRuntime();
        // The engines (AddEngines below): the model host asks them in order which can serve a model.
        builder.Services.AddEngines(section);
        builder.Services.AddSingleton<GenerationRunner>();
        // Upstreams: other OpenAI-compatible servers whose models this one serves by forwarding (Upstreams/).
        builder.Services.AddSingleton<Upstreams.UpstreamCatalog>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Upstreams.UpstreamCatalog>());
        builder.Services.AddSingleton<Upstreams.Routing.ModelRouter>();
        builder.Services.AddSingleton<Upstreams.Routing.LocalWaitEstimate>();
        builder.Services.AddSingleton<Upstreams.UpstreamForwarder>();
        builder.Services.AddSingleton<Playground.PlaygroundAssets>();
        builder.Services.AddSingleton<OpenAI.Responses.ResponseStore>();
        builder.Services.AddSingleton<PullHttpClient>();
        builder.Services.AddSingleton<Observability.MicroAIMetrics>();
        builder.Services.AddSingleton<Observability.PrometheusExporter>();
        builder.AddMicroAISecurity();
        builder.Services.AddHostedService<DefaultModelLoader>();
        builder.Services.AddHostedService<Fleet.ModelFollower>();
        builder.Services.AddGracefulShutdown(section);

        builder.Services.AddEndpointsApiExplorer();
        builder.Services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new() { Title = "MicroAI", Version = "v1", Description = "OpenAI-compatible local inference server" });
            o.OperationFilter<RequestBodyDocumentationFilter>();
        });

        var app = builder.Build();
        ThrowOnInvalidConfiguration(app, limits);

        // A bug must still answer in OpenAI's shape (and log), never with an empty 500.
        app.UseExceptionHandler(failed => failed.Run(context =>
            OpenAI.ApiError.Server("The server failed while handling the request; the details are in its log.", "internal_error")
                .WriteResponseAsync(context.Response)));
        app.Services.GetRequiredService<Observability.PrometheusExporter>(); // listen from the first request on
        app.UseRequestMetrics();
        app.UseShutdownGate();
        app.UseMicroAISecurity();
        app.UseSwagger();
        app.UseSwaggerUI();

        app.MapHealth();
        Playground.PlaygroundEndpoints.MapPlayground(app);
        Playground.ModelFilesEndpoint.MapModelFiles(app, app.Configuration);
        app.MapModels();
        app.MapCompletions();
        app.MapChatCompletions();
        app.MapResponses();
        app.MapAnthropic();
        app.MapApplyTemplate();
        app.MapTokenize();
        app.MapEmbeddings();
        app.MapClassifications();
        app.MapModerations();
        app.MapRerank();
        app.MapRegistry();
        app.MapQuantize();
        app.MapDevices();
        app.MapResidency();
        app.MapCachePrefixes();
        Ollama.OllamaEndpoints.MapOllama(app);
        app.MapMetrics();
        // Unknown routes answer in OpenAI's error shape. The plain fallback skips paths that look
        // like files (so Swagger UI's assets still resolve); under /v1 every path gets the JSON 404.
        app.MapFallback(NotFound);
        app.MapFallback("/v1/{**path}", NotFound);
        app.MapFallback("/api/{**path}", NotFound);
        return app;
    }

    /// <summary>
    /// The engines, one line each, for the server and for CLI commands that work on model files in
    /// process (quantize, eval): the model host asks them in this order which can serve a model.
    /// </summary>
    public static IServiceCollection AddEngines(this IServiceCollection services, IConfiguration section)
    {
        services.AddLlamaCppEngine();
        services.AddOnnxEngine(o => section.GetSection("Onnx").Bind(o));
        return services;
    }

    private static Task NotFound(HttpContext http) =>
        OpenAI.ApiError.NotFound($"Unknown endpoint: {http.Request.Method} {http.Request.Path}.").WriteResponseAsync(http.Response);

    /// <summary>Every problem of the engine, limits, security and trust options in one message (exit code 2), before anything listens.</summary>
    private static void ThrowOnInvalidConfiguration(WebApplication app, RequestLimits limits)
    {
        var engine = app.Configuration.GetSection("MicroAI").Get<EngineOptions>() ?? new EngineOptions();
        var trust = app.Configuration.GetSection(ModelRegistry.Signing.TrustOptions.SectionName).Get<ModelRegistry.Signing.TrustOptions>() ?? new();
        var problems = engine.Validate().Concat(limits.Validate()).Concat(app.Configuration.ValidateSecurity()).Concat(trust.Validate())
            .Concat(Upstreams.UpstreamCatalog.Validate(app.Configuration)).ToList();
        if (problems.Count > 0)
            throw new InvalidOperationException("Invalid configuration:\n  " + string.Join("\n  ", problems));
    }
}
