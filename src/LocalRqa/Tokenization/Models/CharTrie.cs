namespace LocalRqa.Tokenization.Models;

/// <summary>
/// A trie over UTF-16 chars with one value per node, for "which vocabulary pieces start here" walks. Children live in
/// one dictionary keyed by (node, char), which keeps a 250k-piece vocabulary compact and a step one hash lookup.
/// </summary>
internal sealed class CharTrie
{
    private readonly Dictionary<long, int> children = new();
    private readonly List<int> values = [-1];

    /// <summary>Maps <paramref name="key"/> to <paramref name="value"/>; a later Add of the same key overwrites it.</summary>
    public void Add(ReadOnlySpan<char> key, int value)
    {
        int node = 0;
        foreach (char c in key)
        {
            long edge = ((long)node << 16) | c;
            if (!children.TryGetValue(edge, out int child))
            {
                child = values.Count;
                values.Add(-1);
                children[edge] = child;
            }
            node = child;
        }
        values[node] = value;
    }

    /// <summary>The node reached from <paramref name="node"/> (0 is the root) by <paramref name="c"/>.</summary>
    public bool TryStep(int node, char c, out int child) => children.TryGetValue(((long)node << 16) | c, out child);

    /// <summary>The value stored at a node, or -1 when no key ends there.</summary>
    public int ValueAt(int node) => values[node];
}
