using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LocalRqa.Display;

namespace LocalRqa.Hub;

/// <summary>
/// Downloads a model's files from a Hugging Face hub endpoint into the shared hub cache, resuming
/// interrupted transfers. Does no cache lookup of its own: <see cref="ModelResolver"/> decides when to call it.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private const int MaxRedirects = 10;
    private const int BufferSize = 1 << 16;

    private readonly HubSettings settings;
    private readonly HttpClient http;
    private readonly Uri endpoint;
    private readonly TextWriter log;
    private readonly LiveConsole? live;

    /// <param name="settings">Endpoint, token, cache root; must not be offline.</param>
    /// <param name="log">Where progress goes; null means stderr (with a live bar when it is a terminal).</param>
    public HubClient(HubSettings settings, TextWriter? log = null)
        : this(settings, new HubCache(settings.CacheRoot), log)
    {
    }

    internal HubClient(HubSettings settings, HubCache cache, TextWriter? log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Uri.TryCreate(settings.Endpoint.TrimEnd('/') + "/", UriKind.Absolute, out var endpoint)
            || endpoint.Scheme is not ("http" or "https"))
            throw new RqaException($"invalid hub endpoint '{settings.Endpoint}' (HF_ENDPOINT): expected an http(s) URL");
        this.settings = settings;
        this.endpoint = endpoint;
        Cache = cache;
        this.log = log ?? Console.Error;
        live = LiveConsole.Active;
        http = new HttpClient(new SocketsHttpHandler
        {
            // Redirects are followed by hand: the hub's 302 carries the commit and the LFS etag, and the
            // bearer token must not travel to the CDN host.
            AllowAutoRedirect = false,
            ConnectTimeout = settings.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            // Whole-request timeouts would kill multi-GB transfers; stalls are caught per read instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("LocalRqa", "1.0"));
    }

    public HubCache Cache { get; }

    /// <summary>
    /// Downloads config.json, the optional tokenizer/pooling files and the weights of <paramref name="id"/> and
    /// returns the snapshot folder. <c>refs/{revision}</c> and config.json are written last, so a cut run never
    /// leaves a snapshot that looks complete.
    /// </summary>
    public async Task<string> DownloadModelAsync(HubRepoId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (settings.Offline)
            throw new RqaException($"cannot download {id}: offline mode is on (HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE)");

        var config = await FetchAsync(id, id.Revision, HubModelFiles.Config, FileRole.Config, cancellationToken)
            ?? throw new InvalidOperationException("config fetch returned no file");
        // Later files are requested at the commit so a push to the branch mid-download cannot mix versions.
        string commit = config.Commit ?? (id.RevisionIsCommit ? id.Revision
            : throw new RqaException($"{Url(id, id.Revision, HubModelFiles.Config)} did not send X-Repo-Commit; is HF_ENDPOINT a Hugging Face hub?"));

        var files = await FetchOptionalAsync(id, commit, HubModelFiles.Optional, cancellationToken);
        files.AddRange(await FetchWeightsAsync(id, commit, cancellationToken));

        foreach (var f in files) Cache.LinkIntoSnapshot(id, commit, f.RelativePath, f.BlobPath);
        Cache.LinkIntoSnapshot(id, commit, config.RelativePath, config.BlobPath);
        if (id.Revision != commit) Cache.WriteRef(id, id.Revision, commit);
        return Cache.SnapshotFolder(id, commit);
    }

    /// <summary>
    /// Completes a cached snapshot (it has config.json) at its own commit: fetches only
    /// <paramref name="optionalFiles"/>, and the weights when <paramref name="weights"/> is set.
    /// </summary>
    internal async Task<string> CompleteSnapshotAsync(HubRepoId id, string commit, IReadOnlyList<string> optionalFiles, bool weights,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (settings.Offline)
            throw new RqaException($"cannot download {id}: offline mode is on (HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE)");

        var files = await FetchOptionalAsync(id, commit, optionalFiles, cancellationToken);
        if (weights) files.AddRange(await FetchWeightsAsync(id, commit, cancellationToken));
        foreach (var f in files) Cache.LinkIntoSnapshot(id, commit, f.RelativePath, f.BlobPath);
        return Cache.SnapshotFolder(id, commit);
    }

    private async Task<List<FetchedFile>> FetchOptionalAsync(HubRepoId id, string commit, IEnumerable<string> names, CancellationToken ct)
    {
        var files = new List<FetchedFile>();
        foreach (string name in names.Distinct(StringComparer.Ordinal))
        {
            if (name == HubModelFiles.Config) continue;
            if (await FetchAsync(id, commit, name, FileRole.Optional, ct) is { } f) files.Add(f);
        }
        return files;
    }

    private async Task<List<FetchedFile>> FetchWeightsAsync(HubRepoId id, string commit, CancellationToken ct)
    {
        foreach (var format in HubModelFiles.Weights)
        {
            if (await FetchAsync(id, commit, format.SingleFile, FileRole.Optional, ct) is { } single) return [single];
            if (await FetchAsync(id, commit, format.IndexFile, FileRole.Optional, ct) is not { } index) continue;

            var result = new List<FetchedFile> { index };
            foreach (string shard in ReadShardNames(index.BlobPath, format.IndexFile))
                result.Add((await FetchAsync(id, commit, shard, FileRole.Shard, ct))!);
            return result;
        }
        string tried = string.Join(", ", HubModelFiles.Weights.SelectMany(w => new[] { w.SingleFile, w.IndexFile }));
        throw new RqaException($"model {id} has no weights on the hub (none of {tried} exists)");
    }

    private static IEnumerable<string> ReadShardNames(string indexBlob, string indexName)
    {
        var shards = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexBlob));
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new RqaException($"{indexName} has no weight_map object");
            foreach (var entry in map.EnumerateObject())
            {
                string shard = entry.Value.GetString() ?? "";
                // Shard names come from the network and become paths; refuse anything that could escape the snapshot.
                if (!IsSafeRelativePath(shard)) throw new RqaException($"{indexName} names an invalid shard file '{shard}'");
                shards.Add(shard);
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new RqaException($"{indexName} is not a valid weight index: {e.Message}", e);
        }
        if (shards.Count == 0) throw new RqaException($"{indexName} lists no shard files");
        return shards;
    }

    internal static bool IsSafeRelativePath(string path) =>
        path.Length > 0 && !path.Contains('\\') && !path.Contains(':') && !path.StartsWith('/')
        && path.Split('/').All(s => s is not ("" or "." or ".."));

    private string Url(HubRepoId id, string revision, string file) =>
        new Uri(endpoint, $"{id.RepoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', file.Split('/').Select(Uri.EscapeDataString))}").AbsoluteUri;

    private enum FileRole { Config, Optional, Shard }

    private sealed record FetchedFile(string RelativePath, string BlobPath, string? Commit);

    /// <summary>Outcome of one attempt: a file, a 404, or "try again now" (resume became possible).</summary>
    private sealed record Attempt(FetchedFile? File, bool NotFound, bool Again, string? ErrorCode, string? ErrorDetail);

    /// <summary>Downloads one file into blobs/ with retries; returns null for a 404 of an optional file.</summary>
    private async Task<FetchedFile?> FetchAsync(HubRepoId id, string revision, string relativePath, FileRole role, CancellationToken ct)
    {
        string url = Url(id, revision, relativePath);
        // Survives failed attempts, so a retry after a cut transfer resumes straight away with a Range.
        var knownEtag = new StrongBox<string?>();
        int failures = 0, freeRestarts = 0;
        while (true)
        {
            Attempt attempt;
            try
            {
                attempt = await AttemptAsync(id, url, relativePath, knownEtag, ct);
            }
            catch (Exception e) when (IsTransient(e, ct))
            {
                if (++failures > settings.MaxRetries)
                    throw new RqaException(PartialBytes(id, knownEtag.Value) > 0
                        // Bytes are kept: a rerun continues the transfer.
                        ? $"downloading {relativePath} of {id} was interrupted after {failures} attempts ({url}): {Describe(e)}; " +
                          $"run again to resume where it stopped; {HubOfflineAdvice.Text(settings)}"
                        // Nothing arrived (no host, no connection, a server error): running again would fail the same way.
                        : $"cannot download {relativePath} of {id} ({url}) after {failures} attempts: {Describe(e)}; {HubOfflineAdvice.Text(settings)}", e);
                var delay = settings.RetryDelay * Math.Pow(2, failures - 1);
                if (delay > TimeSpan.Zero) await Task.Delay(delay, ct);
                continue;
            }

            if (attempt.Again)
            {
                // Not a failure: we just learned the etag and can now resume a partial file (or it changed remotely).
                if (++freeRestarts > 5) throw new RqaException($"{url} keeps changing while it is downloaded; try again later");
                continue;
            }
            if (attempt.File is { } file) return file;
            if (attempt.NotFound)
            {
                string detail = attempt.ErrorDetail is { Length: > 0 } d ? $": {d}" : "";
                // Recorded like huggingface_hub does (only for "no such file", not a missing repo or revision),
                // so the next run knows the snapshot is complete without asking again.
                if (role == FileRole.Optional && HubRepoId.IsCommitHash(revision) && attempt.ErrorCode is null or "EntryNotFound")
                    Cache.MarkNoExist(id, revision, relativePath);
                return role switch
                {
                    FileRole.Optional => null,
                    FileRole.Config => throw new RqaException(
                        $"model {id} not found on the hub (HTTP 404 for {relativePath} at {url}){detail}; " +
                        $"check the name, or {HubOfflineAdvice.Text(settings)}"),
                    _ => throw new RqaException(
                        $"model {id} is incomplete on the hub: shard {relativePath} is missing (HTTP 404 at {url}){detail}"),
                };
            }
            throw new InvalidOperationException("download attempt ended without a result");
        }
    }

    /// <summary>Bytes of a file kept from a cut transfer (under its etag), which a rerun resumes from.</summary>
    private long PartialBytes(HubRepoId id, string? etag)
    {
        if (etag is null) return 0;
        var partial = new FileInfo(Cache.BlobPath(id, etag) + ".incomplete");
        return partial.Exists ? partial.Length : 0;
    }

    private static bool IsTransient(Exception e, CancellationToken ct) =>
        e is IOException or HttpRequestException or TransientHttpException
        || (e is OperationCanceledException && !ct.IsCancellationRequested);

    private static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "timed out",
        HttpRequestException { InnerException: { } inner } => $"{e.Message} ({inner.Message})",
        _ => e.Message,
    };

    private async Task<Attempt> AttemptAsync(HubRepoId id, string url, string relativePath, StrongBox<string?> knownEtag, CancellationToken ct)
    {
        var current = new Uri(url);
        string? commit = null, etag = knownEtag.Value;
        bool etagIsLinked = false;
        long offset = 0;
        FileStream? blobLock = null;
        try
        {
            for (int hop = 0; ; hop++)
            {
                if (etag is not null && blobLock is null)
                {
                    // Known etag: if the blob is already there we are done; else take its lock and resume.
                    // (Not on hop 0: the commit header has not been seen yet.)
                    string blob = Cache.BlobPath(id, etag);
                    if (hop > 0 && File.Exists(blob)) return Done(blob);
                    blobLock = await AcquireLockAsync(Cache.LockPath(id, etag), id, relativePath, ct);
                    if (hop > 0 && File.Exists(blob)) return Done(blob);
                    var partial = new FileInfo(blob + ".incomplete");
                    offset = partial.Exists ? partial.Length : 0;
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                if (settings.Token is { Length: > 0 } token && SameOrigin(current, endpoint))
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);

                using var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                headersTimeout.CancelAfter(settings.ReadTimeout);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersTimeout.Token);

                commit ??= Header(response, "X-Repo-Commit");
                // X-Linked-Etag (the LFS sha256, on the hub's redirect) beats a plain ETag, which on the CDN is
                // a storage etag; among plain ETags the first hop (the hub) wins.
                if (!etagIsLinked && Header(response, "X-Linked-Etag") is { } linked)
                {
                    etagIsLinked = true;
                    if (etag != null && etag != CleanEtag(linked) && blobLock != null)
                    {
                        // The file changed since our partial copy was started; start over under the new etag.
                        knownEtag.Value = CleanEtag(linked);
                        return Again();
                    }
                    etag = knownEtag.Value = CleanEtag(linked);
                }
                else if (etag is null && Header(response, "ETag") is { } plain)
                {
                    etag = knownEtag.Value = CleanEtag(plain);
                }

                int status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects) throw new RqaException($"too many redirects for {url}");
                    current = new Uri(current, location);
                    continue;
                }

                if (status == 404)
                    return new Attempt(null, true, false, Header(response, "X-Error-Code"), Header(response, "X-Error-Message"));
                if (status is 401 or 403)
                    throw new RqaException(
                        $"access to {id} denied (HTTP {status} for {relativePath} at {url}); the model may be private or gated " +
                        (settings.Token is null ? "or not exist: set HF_TOKEN to a token that can read it"
                                                 : "or not exist, or HF_TOKEN lacks access to it"));
                if (status == 416)
                {
                    // Our partial file is longer than the remote one: it belongs to something else; start over.
                    if (etag is not null) File.Delete(Cache.BlobPath(id, etag) + ".incomplete");
                    throw new TransientHttpException($"HTTP 416 for a resume of {relativePath}");
                }
                if (status is 408 or 429 || status >= 500) throw new TransientHttpException($"HTTP {status}");
                if (status is not (200 or 206))
                    throw new RqaException($"unexpected HTTP {status} for {relativePath} at {url}");

                if (etag is null)
                    throw new RqaException($"{url} sent no ETag, so the file cannot be cached; is HF_ENDPOINT a Hugging Face hub?");
                string target = Cache.BlobPath(id, etag);
                if (File.Exists(target)) return Done(target);
                if (blobLock is null)
                {
                    // The etag arrived with the body (small, non-LFS file). If a partial copy exists, ask again with a Range.
                    if (File.Exists(target + ".incomplete") && new FileInfo(target + ".incomplete").Length > 0) return Again();
                    blobLock = await AcquireLockAsync(Cache.LockPath(id, etag), id, relativePath, ct);
                    if (File.Exists(target)) return Done(target);
                }

                return Done(await ReceiveAsync(response, target, relativePath, offset, ct));
            }
        }
        finally
        {
            blobLock?.Dispose();
        }

        Attempt Done(string blob) => new(new FetchedFile(relativePath, blob, commit), false, false, null, null);
        static Attempt Again() => new(null, false, true, null, null);
    }

    /// <summary>Streams the body into blob.incomplete (appending on 206) and renames it into place when complete.</summary>
    private async Task<string> ReceiveAsync(HttpResponseMessage response, string blob, string relativePath, long offset, CancellationToken ct)
    {
        string partial = blob + ".incomplete";
        long start = 0;
        long? total = response.Content.Headers.ContentLength;
        if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            var range = response.Content.Headers.ContentRange;
            start = range?.From ?? offset;
            if (start != offset)
            {
                File.Delete(partial);
                throw new TransientHttpException($"server resumed {relativePath} at byte {start} instead of {offset}");
            }
            total = range?.Length ?? (total is { } rest ? offset + rest : null);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var progress = new DownloadProgress(relativePath, total, start, log, live);
        long written = start;
        await using (var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
        {
            // 200 means the server ignored our Range (or none was sent): whatever was there is discarded.
            file.SetLength(start);
            file.Seek(start, SeekOrigin.Begin);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
            byte[] buffer = new byte[BufferSize];
            while (true)
            {
                stall.CancelAfter(settings.ReadTimeout);
                int n = await body.ReadAsync(buffer, stall.Token);
                if (n == 0) break;
                await file.WriteAsync(buffer.AsMemory(0, n), ct);
                written += n;
                progress.Report(written);
            }
            await file.FlushAsync(ct);
        }

        if (total is { } expected && written != expected)
        {
            if (written > expected) File.Delete(partial);
            throw new IOException($"{relativePath}: received {written} of {expected} bytes");
        }
        try
        {
            File.Move(partial, blob, overwrite: false);
        }
        catch (IOException) when (File.Exists(blob))
        {
            // Someone else (another tool without our lock) finished first; their copy is as good as ours.
            File.Delete(partial);
        }
        progress.Complete(written);
        return blob;
    }

    /// <summary>
    /// Takes the blob's lock file exclusively. Waits (bounded by <see cref="HubSettings.LockTimeout"/>) only while
    /// another process or download holds it; any other failure is final, since retrying cannot fix it.
    /// </summary>
    private async Task<FileStream> AcquireLockAsync(string path, HubRepoId id, string relativePath, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool announced = false;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (IsLockConflict(e))
            {
                // Another download of the same blob is under way; wait for it rather than corrupting its partial file.
                if (!announced)
                {
                    log.WriteLine($"waiting for another download of {relativePath} of {id} (lock at {path})");
                    log.Flush();
                    announced = true;
                }
                var left = settings.LockTimeout - waited.Elapsed;
                if (left <= TimeSpan.Zero)
                    throw new RqaException(
                        $"gave up after {Duration(settings.LockTimeout)} waiting for another download of {relativePath} of {id} " +
                        $"(lock at {path}); let it finish or stop it, then run again");
                await Task.Delay(left < LockPollInterval ? left : LockPollInterval, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new RqaException($"cannot take the download lock {path} for {relativePath} of {id}: {OneLine(e.Message)}", e);
            }
        }
    }

    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// True when FileShare.None failed only because someone else has the file open. On Unix .NET takes
    /// flock(LOCK_EX|LOCK_NB) and reports EWOULDBLOCK as a plain IOException whose HResult is the raw errno
    /// (11 on Linux, 35 on macOS/BSD); Windows reports ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION.
    /// </summary>
    internal static bool IsLockConflict(IOException e) =>
        e.GetType() == typeof(IOException)
        && (OperatingSystem.IsWindows() ? e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
            : e.HResult == (OperatingSystem.IsLinux() || OperatingSystem.IsAndroid() ? 11 : 35));

    private static string Duration(TimeSpan t) => t >= TimeSpan.FromMinutes(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#} s");

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() is { Length: > 0 } v ? v : null : null;

    /// <summary>Strips the weak marker and quotes: <c>W/"abc"</c> becomes <c>abc</c>.</summary>
    internal static string CleanEtag(string etag)
    {
        string e = etag.Trim();
        if (e.StartsWith("W/", StringComparison.OrdinalIgnoreCase)) e = e[2..];
        return e.Trim('"');
    }

    public void Dispose() => http.Dispose();

    /// <summary>A failure worth retrying (5xx, 429, a bad resume) as opposed to a definite answer.</summary>
    private sealed class TransientHttpException(string message) : Exception(message);
}
