namespace LocalRqa.Tests.Hub;

/// <summary>One request as the fake hub saw it (header names lower-cased).</summary>
public sealed record FakeHubRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
}
