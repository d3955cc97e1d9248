using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// Answers a registry's 401 challenges as Docker does: Basic sends the stored credential; Bearer
/// fetches a token from the challenge's realm (with the credential as Basic when there is one,
/// anonymously otherwise) for the service and scope, and keeps it per scope for the rest of the
/// operation. Not thread-safe: one per <see cref="OciClient"/>.
/// </summary>
internal sealed class RegistryAuthenticator(HttpClient http, string registry, RegistryCredential? credential)
{
    private readonly Dictionary<string, AuthenticationHeaderValue> _tokens = new(StringComparer.Ordinal);
    private bool _basic;

    public bool HasCredential => credential is not null;

    /// <summary>What to send for <paramref name="scope"/>: the scope's token, Basic once the registry asked for it, else nothing.</summary>
    public AuthenticationHeaderValue? HeaderFor(string scope) =>
        _tokens.TryGetValue(scope, out var token) ? token
        : _basic && credential is not null ? new AuthenticationHeaderValue("Basic", credential.ToBasic())
        : null;

    /// <summary>True when the challenge in <paramref name="response"/> was answered and the request is worth sending again.</summary>
    public async Task<bool> AnswerAsync(HttpResponseMessage response, string scope, CancellationToken ct)
    {
        var header = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            ?? response.Headers.WwwAuthenticate.FirstOrDefault();
        if (header is null || !AuthChallenge.TryParse(header.ToString(), out var challenge, out _))
            return false;
        if (challenge.IsBasic)
        {
            if (credential is null || _basic)
                return false; // nothing to send, or the credential was just refused
            _basic = true;
            return true;
        }
        if (!challenge.IsBearer)
            return false;
        // A token refused after it worked has expired (Distribution's last 5 minutes, a long pull
        // outlives that): a fresh one. One refused at once ends there, the caller retries only once.
        _tokens[scope] = new AuthenticationHeaderValue("Bearer", await FetchTokenAsync(challenge, scope, ct).ConfigureAwait(false));
        return true;
    }

    private async Task<string> FetchTokenAsync(AuthChallenge challenge, string scope, CancellationToken ct)
    {
        if (challenge.Realm is not { } realm || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("http" or "https"))
            throw new OciException($"{registry} asked for a bearer token without a usable realm ('{challenge.Realm}').", OciFailure.Unauthorized);
        // The challenge's scope is what this request needs; ours adds what the operation will need next.
        var scopes = (challenge.Scope + " " + scope).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal);
        var query = new List<string>();
        if (challenge.Service is { } service)
            query.Add("service=" + Uri.EscapeDataString(service));
        query.AddRange(scopes.Select(s => "scope=" + Uri.EscapeDataString(s)));
        var b = new UriBuilder(realmUri);
        b.Query = string.Join('&', (string.IsNullOrEmpty(b.Query) ? [] : new[] { b.Query.TrimStart('?') }).Concat(query));

        using var request = new HttpRequestMessage(HttpMethod.Get, b.Uri);
        if (credential is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credential.ToBasic());
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new OciException($"{registry}: the token service at {realmUri.GetLeftPart(UriPartial.Path)} refused "
                + (credential is null ? "an anonymous request; run `microai login " + registry + "`." : $"the credentials of '{credential.Username}' ({(int)response.StatusCode})."), OciFailure.Unauthorized);
        if (!response.IsSuccessStatusCode)
            throw new OciException($"{registry}: the token service at {realmUri.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}.", OciFailure.Upstream);
        OciTokenResponse? answer;
        try
        {
            answer = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false), OciJsonContext.Default.OciTokenResponse);
        }
        catch (JsonException e)
        {
            throw new OciException($"{registry}: the token service's answer is not JSON: {e.Message}", OciFailure.Upstream);
        }
        return answer?.Token is { Length: > 0 } token ? token
            : answer?.AccessToken is { Length: > 0 } access ? access
            : throw new OciException($"{registry}: the token service's answer holds no token.", OciFailure.Upstream);
    }
}
