namespace LocalRqa.Hub;

/// <summary>
/// Where and how to reach the Hugging Face hub. Tests build one directly; the CLI uses
/// <see cref="FromEnvironment()"/>, which reads the same variables as huggingface_hub.
/// </summary>
/// <param name="Endpoint">Hub base URL without a trailing slash, e.g. https://huggingface.co.</param>
/// <param name="Token">Bearer token sent to the endpoint's host, or null.</param>
/// <param name="CacheRoot">The hub cache folder holding models--org--name folders.</param>
/// <param name="Offline">When true the network is never touched; only the cache is used.</param>
internal sealed record HubSettings(string Endpoint, string? Token, string CacheRoot, bool Offline)
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Limit for opening a TCP/TLS connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit for response headers, and for silence between two body reads (a stalled transfer).</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra attempts per file after a failed or cut transfer; each resumes where the last stopped.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>Pause before the first retry; doubled for each further one.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for another process that is downloading the same file before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Models that need no download (the tool's built-in ones), named when a download fails.</summary>
    public IReadOnlyList<string> BuiltInModels { get; init; } = [];

    /// <summary>Reads the process environment.</summary>
    public static HubSettings FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Resolves settings with huggingface_hub's precedence: HF_ENDPOINT; HF_TOKEN, else the file HF_TOKEN_PATH,
    /// else HF_HOME/token; HF_HUB_CACHE, else HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else
    /// ~/.cache/huggingface/hub; HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE set to 1/true/yes/on.
    /// </summary>
    public static HubSettings FromEnvironment(Func<string, string?> getEnv)
    {
        ArgumentNullException.ThrowIfNull(getEnv);
        string? Get(string name) => string.IsNullOrWhiteSpace(getEnv(name)) ? null : getEnv(name)!.Trim();

        string home = Get("HOME") ?? Get("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string Expand(string path) => ExpandHome(path, home);

        string hfHome = Get("HF_HOME") is { } h
            ? Expand(h)
            : Path.Combine(Get("XDG_CACHE_HOME") is { } x ? Expand(x) : Path.Combine(home, ".cache"), "huggingface");
        string cacheRoot = Get("HF_HUB_CACHE") is { } c ? Expand(c) : Path.Combine(hfHome, "hub");

        string endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/');

        string? token = Get("HF_TOKEN");
        if (token is null)
        {
            string tokenFile = Get("HF_TOKEN_PATH") is { } p ? Expand(p) : Path.Combine(hfHome, "token");
            token = ReadToken(tokenFile);
        }

        bool offline = IsTrue(Get("HF_HUB_OFFLINE")) || IsTrue(Get("TRANSFORMERS_OFFLINE"));
        return new HubSettings(endpoint, token, cacheRoot, offline);
    }

    internal static string ExpandHome(string path, string home) =>
        path == "~" ? home
        : path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal)
            ? Path.Combine(home, path[2..])
            : path;

    // Same truthy spellings as huggingface_hub's ENV_VARS_TRUE_VALUES.
    private static bool IsTrue(string? value) =>
        value is not null && (value.Equals("1", StringComparison.Ordinal)
            || value.Equals("true", StringComparison.OrdinalIgnoreCase)
            || value.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || value.Equals("on", StringComparison.OrdinalIgnoreCase));

    private static string? ReadToken(string file)
    {
        try
        {
            // A missing or unreadable token file just means "anonymous", as in huggingface_hub.
            if (!File.Exists(file)) return null;
            string token = File.ReadAllText(file).Trim();
            return token.Length == 0 ? null : token;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    // Keep the token out of logs and exception messages that print the record.
    public override string ToString() =>
        $"HubSettings {{ Endpoint = {Endpoint}, Token = {(Token is null ? "none" : "set")}, CacheRoot = {CacheRoot}, Offline = {Offline} }}";
}
