using System.Collections;

namespace LocalRqa.Pickles;

/// <summary>Turns Razorvine's containers into plain .NET data for callers that do not care about Python types.</summary>
internal static class PickleValues
{
    /// <summary>
    /// dict → Dictionary&lt;string, object?&gt; (keys as Python would print them), list/tuple/set → List&lt;object?&gt;,
    /// ints → long; strings, doubles, bools, nulls, big integers and bytes are kept.
    /// </summary>
    public static object? ToPlain(object? value) => value switch
    {
        null or string or bool or double or long or byte[] => value,
        int i => (long)i,
        Hashtable dict => ToDictionary(dict),
        IEnumerable items => items.Cast<object?>().Select(ToPlain).ToList(),
        _ => value,
    };

    public static Dictionary<string, object?> ToDictionary(Hashtable dict)
    {
        var result = new Dictionary<string, object?>(dict.Count);
        foreach (DictionaryEntry entry in dict)
            result[entry.Key as string ?? Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? ""] = ToPlain(entry.Value);
        return result;
    }
}
