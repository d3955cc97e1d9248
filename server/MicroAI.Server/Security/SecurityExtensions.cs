using Microsoft.Extensions.Options;

namespace MicroAI.Server.Security;

/// <summary>The security pieces, registered and placed on the pipeline in one spot each.</summary>
internal static class SecurityExtensions
{
    public static WebApplicationBuilder AddMicroAISecurity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("MicroAI:Security");
        var options = section.Get<SecurityOptions>() ?? new SecurityOptions();
        builder.Services.Configure<SecurityOptions>(section);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<TokenBudgets>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddRequestRateLimits(options);
        if (options.CorsOrigins.Count > 0)
        {
            builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
            {
                if (options.CorsOrigins.Contains("*"))
                    policy.AllowAnyOrigin();
                else
                    policy.WithOrigins([.. options.CorsOrigins]);
                policy.AllowAnyHeader().AllowAnyMethod().WithExposedHeaders("Retry-After").SetPreflightMaxAge(TimeSpan.FromMinutes(10));
            }));
        }
        // HTTPS from configuration (Kestrel:Endpoints:<name>:Certificate:Path/KeyPath/Password); the
        // slim builder leaves it out unless asked.
        builder.WebHost.UseKestrelHttpsConfiguration();
        // No "Server: Kestrel" banner to fingerprint.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    public static IEnumerable<string> ValidateSecurity(this IConfiguration configuration) =>
        (configuration.GetSection("MicroAI:Security").Get<SecurityOptions>() ?? new SecurityOptions()).Validate();

    /// <summary>
    /// Headers first (even a 401 carries them), CORS before authentication (a browser's preflight
    /// carries no key), routing so the key check can read the endpoint's scope, the audit around
    /// everything admin, then keys, request rate, token budget.
    /// </summary>
    public static WebApplication UseMicroAISecurity(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (options.SecurityHeaders)
            app.UseMiddleware<SecurityHeadersMiddleware>();
        if (options.CorsOrigins.Count > 0)
            app.UseCors();
        app.UseRouting();
        app.UseMiddleware<AuditMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseRateLimiter();
        app.UseMiddleware<TokenBudgetMiddleware>();
        NetworkExposure.Check(app.Configuration, options, app.Services.GetRequiredService<ApiKeyStore>(), app.Logger);
        return app;
    }
}
