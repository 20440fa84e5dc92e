using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LocalRqa.Tests.Hub;

/// <summary>
/// A tiny hand-written HTTP/1.1 server imitating the hub's resolve route on 127.0.0.1: X-Repo-Commit, ETag,
/// LFS redirects with X-Linked-Etag to a "CDN" on another host name (localhost), Range requests, and the
/// ability to cut a body mid-way, which HttpListener cannot do.
/// </summary>
public sealed class FakeHub : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentDictionary<string, FakeHubRepo> repos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string File, byte[] Data)> cdn = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> cutsLeft = new(StringComparer.Ordinal);

    public FakeHub()
    {
        listener.Start();
        _ = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public string Endpoint => $"http://127.0.0.1:{Port}";
    public ConcurrentQueue<FakeHubRequest> Requests { get; } = new();

    /// <summary>Answer Range requests with a full 200, like a server without range support.</summary>
    public bool IgnoreRange { get; set; }

    public FakeHubRepo AddRepo(string id, string? commit = null)
    {
        var repo = new FakeHubRepo(id, commit ?? Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(id))));
        repos[id] = repo;
        return repo;
    }

    /// <summary>The next <paramref name="times"/> body transfers of <paramref name="file"/> stop after half the bytes.</summary>
    public void CutTransfers(string file, int times = 1) => cutsLeft[file] = times;

    /// <summary>When true, a "cut" transfer keeps the connection open and silent instead of closing it.</summary>
    public bool StallInsteadOfClose { get; set; }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>Git blob sha1 as the hub's ETag for non-LFS files.</summary>
    public static string GitSha1(byte[] data) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {data.Length}\0"), .. data]));

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(() => HandleAsync(client));
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request is null) return;
                Requests.Enqueue(request);
                await RespondAsync(stream, request);
            }
            catch (IOException) { }
            catch (SocketException) { }
        }
    }

    private static async Task<FakeHubRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0) return null;
            head.Add(one[0]);
        }
        string[] lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        string[] first = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }
        return new FakeHubRequest(first[0], first[1], headers);
    }

    private async Task RespondAsync(NetworkStream stream, FakeHubRequest request)
    {
        string path = Uri.UnescapeDataString(request.Target.Split('?')[0]);
        if (path.StartsWith("/cdn/", StringComparison.Ordinal) && cdn.TryGetValue(path[5..], out var blob))
        {
            // A storage etag unrelated to the sha256, as real CDNs send; the client must ignore it.
            await SendBodyAsync(stream, request, blob.Data, blob.File, [("ETag", "\"cdn-" + path[5..8] + "\"")]);
            return;
        }

        foreach (var repo in repos.Values)
        {
            string prefix = "/" + repo.Id + "/resolve/";
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            // The client escapes '/' in revisions, so the raw target keeps the revision in one segment.
            string rawRest = request.Target[prefix.Length..];
            int slash = rawRest.IndexOf('/');
            string revision = Uri.UnescapeDataString(rawRest[..slash]);
            string file = Uri.UnescapeDataString(rawRest[(slash + 1)..]);
            if (repo.ForcedStatus is { } forced)
            {
                await SendAsync(stream, forced, [], []);
                return;
            }
            if (revision != repo.Commit && !repo.Revisions.Contains(revision))
            {
                await SendAsync(stream, 404, [("X-Error-Code", "RevisionNotFound"), ("X-Error-Message", "Invalid rev id: " + revision)], []);
                return;
            }
            if (!repo.Files.TryGetValue(file, out var data))
            {
                await SendAsync(stream, 404, [("X-Repo-Commit", repo.Commit), ("X-Error-Code", "EntryNotFound")], []);
                return;
            }
            if (repo.Lfs.Contains(file))
            {
                string sha = Sha256(data);
                cdn[sha] = (file, data);
                await SendAsync(stream, 302,
                [
                    ("X-Repo-Commit", repo.Commit), ("X-Linked-Etag", "\"" + sha + "\""), ("X-Linked-Size", data.Length.ToString()),
                    ("ETag", "W/\"pointer-etag\""), ("Location", $"http://localhost:{Port}/cdn/{sha}"),
                ], []);
                return;
            }
            await SendBodyAsync(stream, request, data, file, [("X-Repo-Commit", repo.Commit), ("ETag", "\"" + GitSha1(data) + "\"")]);
            return;
        }
        await SendAsync(stream, 404, [("X-Error-Code", "RepoNotFound"), ("X-Error-Message", "Repository not found")], []);
    }

    private async Task SendBodyAsync(NetworkStream stream, FakeHubRequest request, byte[] data, string file,
        List<(string, string)> headers)
    {
        long from = 0;
        if (!IgnoreRange && request.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal))
            from = long.Parse(range[6..].TrimEnd('-'));
        if (from > data.Length)
        {
            await SendAsync(stream, 416, [("Content-Range", $"bytes */{data.Length}")], []);
            return;
        }
        if (from > 0) headers.Add(("Content-Range", $"bytes {from}-{data.Length - 1}/{data.Length}"));
        byte[] body = data[(int)from..];

        if (cutsLeft.ContainsKey(file) && cutsLeft.AddOrUpdate(file, 0, (_, n) => n - 1) >= 0)
        {
            // Announce the whole body, send half, then drop the connection.
            await SendAsync(stream, from > 0 ? 206 : 200, headers, body, body.Length / 2);
            if (StallInsteadOfClose)
            {
                try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
            }
            return;
        }
        await SendAsync(stream, from > 0 ? 206 : 200, headers, body);
    }

    private static async Task SendAsync(NetworkStream stream, int status, List<(string Name, string Value)> headers, byte[] body, int? sendOnly = null)
    {
        var head = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("Content-Length: ").Append(body.Length).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(body.AsMemory(0, sendOnly ?? body.Length));
        await stream.FlushAsync();
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK", 206 => "Partial Content", 302 => "Found", 401 => "Unauthorized", 403 => "Forbidden",
        404 => "Not Found", 416 => "Range Not Satisfiable", _ => "Status",
    };

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
