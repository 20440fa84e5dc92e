using Razorvine.Pickle;

namespace LocalRqa.Pickles;

/// <summary>Adapts a function to Razorvine's constructor interface, called by REDUCE, NEWOBJ and OBJ.</summary>
internal sealed class PickleConstructor(Func<object?[], object?> build) : IObjectConstructor
{
    public object? construct(object?[] args) => build(args);
}
