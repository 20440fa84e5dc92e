using System.Collections;

namespace LocalRqa.Pickles;

/// <summary>
/// A <c>collections.OrderedDict</c>. It is a Hashtable because Razorvine's SETITEMS fills only Hashtables; BUILD may
/// add instance attributes (torch's state dicts carry <c>_metadata</c> this way). Key order is not kept.
/// </summary>
internal sealed class PickledOrderedDict : Hashtable
{
    public Hashtable? Attributes { get; private set; }

#pragma warning disable IDE1006 // Razorvine's BUILD looks this method up by reflection, by its Python name
    public void __setstate__(Hashtable state) => Attributes = state;
#pragma warning restore IDE1006

    public static PickleConstructor Constructor { get; } = new(args => args.Length == 0
        ? new PickledOrderedDict()
        : throw new FormatException("collections.OrderedDict is built with arguments, which is not supported"));
}
