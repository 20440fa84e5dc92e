using System.Security.Cryptography;
using Razorvine.Pickle;

namespace LocalRqa.Pickles;

/// <summary>
/// Unpickles untrusted data: only the (module, name) globals allowed on this instance can be referenced, each
/// mapped to a constructor that builds plain .NET data; any other reference is refused before anything is built.
/// Dicts come back as <see cref="System.Collections.Hashtable"/>, lists as <see cref="System.Collections.ArrayList"/>,
/// tuples as <c>object[]</c>, bytes as <c>byte[]</c> (Razorvine's mapping).
/// </summary>
internal sealed class SafeUnpickler
{
    private readonly string file;
    private readonly Dictionary<(string Module, string Name), IObjectConstructor> allowed = [];
    private Func<object?, object?>? persistentLoad;

    /// <param name="file">The file being read, named in every error.</param>
    public SafeUnpickler(string file) => this.file = file;

    public SafeUnpickler Allow(string module, string name, IObjectConstructor constructor)
    {
        allowed[(module, name)] = constructor;
        return this;
    }

    public SafeUnpickler Allow(string module, string name, Func<object?[], object?> construct) =>
        Allow(module, name, new PickleConstructor(construct));

    /// <summary>Resolves persistent ids (torch uses them for tensor storages); without it they are refused.</summary>
    public SafeUnpickler OnPersistentLoad(Func<object?, object?> load)
    {
        persistentLoad = load;
        return this;
    }

    public object? Load(byte[] pickle)
    {
        // A fresh random tag per load, so no persistent id inside the data can pose as a rewritten global.
        var nonce = "rqa-global-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        try
        {
            var rewritten = PickleGlobalRewriter.Rewrite(pickle, nonce, CheckAllowed);
            using var unpickler = new RoutingUnpickler(nonce, Resolve, LoadPersistent);
            return unpickler.loads(rewritten);
        }
        catch (Exception ex) when (FindRqaException(ex) is { } inner && !ReferenceEquals(inner, ex))
        {
            throw inner; // Razorvine wraps exceptions thrown by __setstate__; the user needs the original one.
        }
        catch (Exception ex) when (ex is not RqaException)
        {
            throw new RqaException($"cannot read {file}: it is not a valid pickle ({ex.Message})", ex);
        }
    }

    private void CheckAllowed(string module, string name)
    {
        if (!allowed.ContainsKey((module, name))) throw Refusal(module, name);
    }

    private IObjectConstructor Resolve(string module, string name) =>
        allowed.TryGetValue((module, name), out var constructor) ? constructor : throw Refusal(module, name);

    private object? LoadPersistent(object? pid) =>
        persistentLoad is { } load
            ? load(pid)
            : throw new RqaException($"refusing to load {file}: it references external objects (persistent ids), which are not allowed");

    private RqaException Refusal(string module, string name) =>
        new($"refusing to load {file}: it references {module}.{name}, which is not allowed");

    private static RqaException? FindRqaException(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is RqaException rqa) return rqa;
        return null;
    }
}
