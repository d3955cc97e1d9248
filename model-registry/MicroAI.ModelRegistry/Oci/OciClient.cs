using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using MicroAI.ModelRegistry.Store;

namespace MicroAI.ModelRegistry.Oci;

/// <summary>
/// The OCI Distribution API for one registry: manifests, blob existence, uploads (monolithic,
/// chunked, cross-repository mount) and authentication as Docker does it. One instance per
/// operation; not thread-safe (its token cache is a plain dictionary).
/// </summary>
internal sealed class OciClient
{
    /// <summary>Manifests and config blobs are a few KB; 4 MiB refuses a runaway body without limiting real ones.</summary>
    internal const int MaxSmallBody = 4 << 20;

    private readonly HttpClient _http;
    private readonly OciSettings _settings;
    private readonly RegistryAuthenticator _auth;

    /// <param name="credential">Used instead of the stored ones (`microai login` checks a new credential with it).</param>
    public OciClient(HttpClient http, OciSettings settings, string registry, RegistryCredential? credential = null)
    {
        _http = http;
        _settings = settings;
        Registry = registry;
        BaseUri = settings.BaseUri(registry);
        _auth = new RegistryAuthenticator(http, registry, credential ?? settings.FindCredential(registry));
    }

    public string Registry { get; }
    public Uri BaseUri { get; }

    public static string PullScope(string repository) => $"repository:{repository}:pull";
    public static string PushScope(string repository) => $"repository:{repository}:pull,push";

    /// <summary>GET /v2/: checks that the registry answers and accepts the credentials in use.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, "v2/")), "", ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, "GET /v2/", ct).ConfigureAwait(false);
    }

    /// <summary>A manifest by tag or digest: its bytes, media type and digest (checked when asked for by digest).</summary>
    public async Task<(byte[] Bytes, string MediaType, string Digest)> GetManifestAsync(string repository, string reference, CancellationToken ct)
    {
        var uri = new Uri(BaseUri, $"v2/{repository}/manifests/{reference}");
        using var response = await SendAsync(() =>
        {
            var m = new HttpRequestMessage(HttpMethod.Get, uri);
            foreach (var t in OciMediaTypes.ManifestAccept)
                m.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(t));
            return m;
        }, PullScope(repository), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, $"GET manifest {repository}:{reference}", ct).ConfigureAwait(false);
        var bytes = await ReadSmallAsync(response, ct).ConfigureAwait(false);
        var digest = Store.Digest.FromHash(SHA256.HashData(bytes));
        if (reference.StartsWith(Store.Digest.Prefix, StringComparison.Ordinal) && reference != digest)
            throw new OciException($"{Registry}/{repository}@{reference}: the registry sent a manifest whose digest is {digest}.", OciFailure.Invalid);
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
        return (bytes, mediaType, digest);
    }

    /// <summary>A small blob (a config, a template) read into memory and checked against its digest.</summary>
    public async Task<byte[]> GetSmallBlobAsync(string repository, OciDescriptor blob, CancellationToken ct)
    {
        if (blob.Size > MaxSmallBody)
            throw new OciException($"{Registry}/{repository}: the blob {blob.Digest} ({blob.MediaType}) is {blob.Size} bytes, more than a config can be.", OciFailure.Invalid);
        var uri = BlobUri(repository, blob.Digest);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), PullScope(repository), ct, follow: true).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw await FailureAsync(response, $"GET blob {blob.Digest}", ct).ConfigureAwait(false);
        var bytes = await ReadSmallAsync(response, ct).ConfigureAwait(false);
        var actual = Store.Digest.FromHash(SHA256.HashData(bytes));
        if (actual != blob.Digest)
            throw new OciException($"{Registry}/{repository}: digest mismatch for {blob.MediaType}: expected {blob.Digest}, got {actual}. Nothing was kept.", OciFailure.Invalid);
        return bytes;
    }

    public Uri BlobUri(string repository, string digest) => new(BaseUri, $"v2/{repository}/blobs/{digest}");

    /// <summary>The Authorization header a blob download should carry (after a first request has settled the challenge).</summary>
    public async Task<AuthenticationHeaderValue?> AuthorizationForAsync(string repository, CancellationToken ct)
    {
        // A HEAD on the repository's tag list settles the challenge (and fetches a token) without a body.
        using var _ = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, new Uri(BaseUri, $"v2/{repository}/tags/list")), PullScope(repository), ct).ConfigureAwait(false);
        return _auth.HeaderFor(PullScope(repository));
    }

    public async Task<bool> BlobExistsAsync(string repository, string digest, CancellationToken ct)
    {
        var uri = BlobUri(repository, digest);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, uri), PushScope(repository), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        if (response.IsSuccessStatusCode)
            return true;
        throw await FailureAsync(response, $"HEAD blob {digest}", ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the registry to link a blob from another repository (201: done, nothing sent). A
    /// registry that cannot (or will not) mount answers 202 with an upload session instead, which
    /// the caller uses for an ordinary upload: returned as its Location.
    /// </summary>
    public async Task<(bool Mounted, Uri? UploadLocation)> MountBlobAsync(string repository, string digest, string fromRepository, CancellationToken ct)
    {
        var uri = new Uri(BaseUri, $"v2/{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest)}&from={Uri.EscapeDataString(fromRepository)}");
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent([]) },
            PushScope(repository) + " " + PullScope(fromRepository), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Created)
            return (true, null);
        if (response.StatusCode == HttpStatusCode.Accepted)
            return (false, LocationOf(response));
        throw await FailureAsync(response, $"mount {digest} from {fromRepository}", ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads a blob: one PUT when it is at most <see cref="OciSettings.UploadChunkBytes"/>, else
    /// PATCHes of that size with Content-Range and a closing PUT with the digest.
    /// </summary>
    public async Task UploadBlobAsync(string repository, string digest, long size, Func<long, long, Stream> openRange, Uri? session, IProgress<long>? progress, CancellationToken ct)
    {
        var location = session ?? await StartUploadAsync(repository, ct).ConfigureAwait(false);
        var scope = PushScope(repository);
        if (size <= _settings.UploadChunkBytes)
        {
            var put = WithDigest(location, digest);
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, put)
            {
                Content = Octets(openRange(0, size), size),
            }, scope, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created)
                throw await FailureAsync(response, $"upload {digest}", ct).ConfigureAwait(false);
            progress?.Report(size);
            return;
        }

        for (long offset = 0; offset < size; offset += _settings.UploadChunkBytes)
        {
            var length = Math.Min(_settings.UploadChunkBytes, size - offset);
            var at = location;
            var start = offset;
            using var response = await SendAsync(() =>
            {
                var content = Octets(openRange(start, length), length);
                content.Headers.TryAddWithoutValidation("Content-Range", $"{start}-{start + length - 1}");
                return new HttpRequestMessage(HttpMethod.Patch, at) { Content = content };
            }, scope, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw await FailureAsync(response, $"upload {digest} (bytes {start}-{start + length - 1})", ct).ConfigureAwait(false);
            location = LocationOf(response);
            progress?.Report(offset + length);
        }
        var close = WithDigest(location, digest);
        using (var done = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, close) { Content = Octets(new MemoryStream(), 0) }, scope, ct).ConfigureAwait(false))
        {
            if (done.StatusCode != HttpStatusCode.Created)
                throw await FailureAsync(done, $"finish upload {digest}", ct).ConfigureAwait(false);
        }
    }

    /// <summary>PUT /v2/&lt;name&gt;/manifests/&lt;tag&gt;; returns the manifest's digest.</summary>
    public async Task<string> PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken ct)
    {
        var uri = new Uri(BaseUri, $"v2/{repository}/manifests/{reference}");
        using var response = await SendAsync(() =>
        {
            var content = new ByteArrayContent(manifest);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, uri) { Content = content };
        }, PushScope(repository), ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Created)
            throw await FailureAsync(response, $"PUT manifest {repository}:{reference}", ct).ConfigureAwait(false);
        return Store.Digest.FromHash(SHA256.HashData(manifest));
    }

    private async Task<Uri> StartUploadAsync(string repository, CancellationToken ct)
    {
        var uri = new Uri(BaseUri, $"v2/{repository}/blobs/uploads/");
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent([]) }, PushScope(repository), ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw await FailureAsync(response, $"start an upload to {repository}", ct).ConfigureAwait(false);
        return LocationOf(response);
    }

    private Uri LocationOf(HttpResponseMessage response) =>
        response.Headers.Location is { } l
            ? (l.IsAbsoluteUri ? l : new Uri(BaseUri, l))
            : throw new OciException($"{Registry} started an upload without a Location to send it to.", OciFailure.Invalid);

    private static Uri WithDigest(Uri location, string digest)
    {
        var b = new UriBuilder(location);
        var extra = "digest=" + Uri.EscapeDataString(digest);
        b.Query = string.IsNullOrEmpty(b.Query) || b.Query == "?" ? extra : b.Query.TrimStart('?') + "&" + extra;
        return b.Uri;
    }

    private static StreamContent Octets(Stream body, long length)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = length;
        return content;
    }

    /// <summary>
    /// Sends with the credentials the registry asked for: a 401 with a challenge is answered once
    /// (Basic: the stored credential; Bearer: a token fetched from the realm, cached by scope) and
    /// the request is sent again. <paramref name="follow"/> follows redirects (blob GETs are often
    /// redirected to storage), dropping the Authorization header when the host changes.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> make, string scope, CancellationToken ct, bool follow = false)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendOnceAsync(make, scope, follow, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Unauthorized && await _auth.AnswerAsync(response, scope, ct).ConfigureAwait(false))
            {
                response.Dispose();
                response = await SendOnceAsync(make, scope, follow, ct).ConfigureAwait(false);
            }
        }
        catch (HttpRequestException e)
        {
            throw new OciException($"{Registry} could not be reached at {BaseUri}: {e.Message}", OciFailure.Upstream);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new OciException($"{Registry} did not answer in time.", OciFailure.Upstream);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> make, string scope, bool follow, CancellationToken ct)
    {
        using var request = make();
        request.Headers.Authorization = _auth.HeaderFor(scope);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        for (var hop = 0; follow && hop < 5 && (int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } next; hop++)
        {
            var target = next.IsAbsoluteUri ? next : new Uri(request.RequestUri!, next);
            response.Dispose();
            using var again = new HttpRequestMessage(HttpMethod.Get, target);
            if (target.Authority.Equals(BaseUri.Authority, StringComparison.OrdinalIgnoreCase))
                again.Headers.Authorization = _auth.HeaderFor(scope);
            response = await _http.SendAsync(again, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        return response;
    }

    private static async Task<byte[]> ReadSmallAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength is > MaxSmallBody)
            throw new OciException($"The registry's answer is {response.Content.Headers.ContentLength} bytes, more than a manifest can be.", OciFailure.Invalid);
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxSmallBody)
                throw new OciException($"The registry's answer is more than {MaxSmallBody} bytes, more than a manifest can be.", OciFailure.Invalid);
        }
        return buffer.ToArray();
    }

    /// <summary>The registry's own words: <c>{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}</c>.</summary>
    internal async Task<OciException> FailureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        string? detail = null;
        try
        {
            var body = await ReadSmallAsync(response, ct).ConfigureAwait(false);
            if (body.Length > 0 && JsonSerializer.Deserialize(body, OciJsonContext.Default.OciErrorResponse) is { Errors: { Count: > 0 } errors })
                detail = string.Join("; ", errors.Select(e => e.Message is { Length: > 0 } m ? $"{e.Code}: {m}" : e.Code));
        }
        catch (Exception e) when (e is JsonException or OciException or IOException or HttpRequestException)
        {
            // Not the spec's error body: the status says enough.
        }
        var failure = status switch
        {
            401 or 403 => OciFailure.Unauthorized,
            404 => OciFailure.NotFound,
            >= 500 => OciFailure.Upstream,
            _ => OciFailure.Invalid,
        };
        var message = $"{Registry}: {what} was refused with {status} {response.ReasonPhrase}" + (detail is null ? "." : $": {detail}.");
        if (failure == OciFailure.Unauthorized)
            message += _auth.HasCredential
                ? " The credentials in use were not accepted; run `microai login " + Registry + "` again."
                : " The registry requires credentials: run `microai login " + Registry + "` (or `docker login`).";
        return new OciException(message, failure);
    }
}
