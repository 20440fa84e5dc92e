using Razorvine.Pickle;

namespace LocalRqa.Pickles;

/// <summary>
/// The Razorvine unpickler behind <see cref="SafeUnpickler"/>: persistent ids tagged with this load's nonce are
/// the globals that <see cref="PickleGlobalRewriter"/> moved out of Razorvine's reach; all others are real ones.
/// </summary>
internal sealed class RoutingUnpickler(string nonce, Func<string, string, object> resolveGlobal, Func<object?, object?> loadPersistent)
    : Unpickler
{
    protected override object? persistentLoad(object? pid)
    {
        if (pid is object[] { Length: 3 } tuple && tuple[2] is string tag && tag == nonce
            && tuple[0] is string module && tuple[1] is string name)
        {
            return resolveGlobal(module, name);
        }
        return loadPersistent(pid);
    }
}
