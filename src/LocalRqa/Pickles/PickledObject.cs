using System.Collections;

namespace LocalRqa.Pickles;

/// <summary>
/// An instance of an allowed Python class, kept as data: the constructor arguments and the state given by BUILD
/// (Python's <c>__setstate__</c>), which is a dict, or a (dict, slots dict) tuple for classes with slots.
/// </summary>
internal sealed class PickledObject(string module, string name, object?[] args)
{
    public string Module { get; } = module;
    public string Name { get; } = name;
    public IReadOnlyList<object?> Args { get; } = args;
    public object? State { get; private set; }

    public string ClassName => $"{Module}.{Name}";

    // Razorvine's BUILD looks this method up by reflection, by its Python name and the state's runtime type.
#pragma warning disable IDE1006
    public void __setstate__(Hashtable state) => State = state;

    public void __setstate__(object[] state) => State = state;
#pragma warning restore IDE1006

    /// <summary>A constructor for <c>module.name</c> that records instances instead of running any code.</summary>
    public static PickleConstructor ConstructorFor(string module, string name) =>
        new(args => new PickledObject(module, name, args));
}
