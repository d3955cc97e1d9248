using System.Net.Http.Headers;

namespace MicroAI.LoadTests;

/// <summary>MICROAI_API_KEY, when set, goes on every request as a Bearer key (a keyed server, or llama-server --api-key).</summary>
internal static class ApiKeyHeader
{
    public static HttpClient WithApiKey(this HttpClient http)
    {
        var key = Environment.GetEnvironmentVariable("MICROAI_API_KEY");
        if (!string.IsNullOrEmpty(key))
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }
}
