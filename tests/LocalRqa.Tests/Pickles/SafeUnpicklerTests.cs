using System.Collections;
using LocalRqa.Pickles;

namespace LocalRqa.Tests.Pickles;

public sealed class SafeUnpicklerTests
{
    private const string File = "test.pkl";

    [Fact]
    public void LoadsPlainDataWithoutAnyGlobals()
    {
        var pickle = new PickleWriter().Proto(4).Frame(0).EmptyDict().Memoize().Mark()
            .Str("name", shortForm: true).Memoize().Str("bert", shortForm: true).Memoize()
            .Str("sizes", shortForm: true).Memoize().EmptyList().Memoize().Mark().Int(1).Int(70000).Int(-5).Int(1L << 40).Appends()
            .Str("ratio", shortForm: true).Float(0.25).Str("ok", shortForm: true).Bool(true).Str("none", shortForm: true).None()
            .SetItems().Stop().ToArray();

        var dict = Assert.IsType<Hashtable>(new SafeUnpickler(File).Load(pickle));

        Assert.Equal("bert", dict["name"]);
        Assert.Equal(new object[] { 1, 70000, -5, 1L << 40 }, ((ArrayList)dict["sizes"]!).ToArray());
        Assert.Equal(0.25, dict["ratio"]);
        Assert.Equal(true, dict["ok"]);
        Assert.Null(dict["none"]);
    }

    [Fact]
    public void AllowedGlobalBuildsThroughItsOwnConstructor()
    {
        // NEWOBJ + BUILD, as Python pickles a dataclass instance.
        var pickle = new PickleWriter().Proto(4).Str("pkg.mod", shortForm: true).Memoize().Str("Thing", shortForm: true).Memoize()
            .StackGlobal().Memoize().EmptyTuple().NewObj().Memoize().EmptyDict().Str("x", shortForm: true).Int(3).SetItem().Build()
            .Stop().ToArray();

        var result = new SafeUnpickler(File).Allow("pkg.mod", "Thing", PickledObject.ConstructorFor("pkg.mod", "Thing")).Load(pickle);

        var thing = Assert.IsType<PickledObject>(result);
        Assert.Equal("pkg.mod.Thing", thing.ClassName);
        Assert.Equal(3, Assert.IsType<Hashtable>(thing.State)["x"]);
    }

    [Fact]
    public void AllowListsBelongToEachInstance()
    {
        var pickle = new PickleWriter().Proto(2).Global("pkg.mod", "Thing").EmptyTuple().Reduce().Stop().ToArray();
        var permissive = new SafeUnpickler(File).Allow("pkg.mod", "Thing", _ => "built");

        Assert.Equal("built", permissive.Load(pickle));
        var ex = Assert.Throws<RqaException>(() => new SafeUnpickler(File).Load(pickle));
        Assert.Equal("refusing to load test.pkl: it references pkg.mod.Thing, which is not allowed", ex.Message);
    }

    [Theory]
    [InlineData("builtins", "set")] // in Razorvine's static table
    [InlineData("datetime", "datetime")] // in Razorvine's static table
    [InlineData("some.module", "SomeClass")] // Razorvine would make a ClassDict
    [InlineData("builtins", "ValueError")] // Razorvine would make an exception constructor
    public void RazorvineBuiltInResolutionIsNeverReached(string module, string name)
    {
        var pickle = new PickleWriter().Proto(2).Global(module, name).EmptyTuple().Reduce().Stop().ToArray();

        var ex = Assert.Throws<RqaException>(() => new SafeUnpickler(File).Allow("other", "Thing", _ => null).Load(pickle));

        Assert.Equal($"refusing to load test.pkl: it references {module}.{name}, which is not allowed", ex.Message);
    }

    [Fact]
    public void StackGlobalNamesTakenFromTheMemoAreChecked()
    {
        // 'os' and 'system' are memoized as plain strings first, then fed to STACK_GLOBAL by BINGET.
        var pickle = new PickleWriter().Proto(4).EmptyList().Memoize().Mark()
            .Str("os", shortForm: true).Memoize().Str("system", shortForm: true).Memoize()
            .BinGet(1).BinGet(2).StackGlobal().Str("echo hi", shortForm: true).Tuple1().Reduce()
            .Appends().Stop().ToArray();

        var ex = Assert.Throws<RqaException>(() => new SafeUnpickler(File).Load(pickle));

        Assert.Contains("references os.system", ex.Message);
    }

    [Fact]
    public void ForgedPersistentIdCannotResolveAGlobal()
    {
        // A pid shaped like the rewriter's (module, name, tag) reaches the persistent-id handler, never the table.
        var pickle = new PickleWriter().Proto(2).Str("os").Str("system").Str("rqa-global-00").Tuple3().BinPersId().Stop().ToArray();

        var refused = Assert.Throws<RqaException>(() => new SafeUnpickler(File).Allow("os", "system", _ => "ran").Load(pickle));
        Assert.Contains("persistent ids", refused.Message);

        var seen = new SafeUnpickler(File).Allow("os", "system", _ => "ran").OnPersistentLoad(pid => pid).Load(pickle);
        Assert.Equal(new object[] { "os", "system", "rqa-global-00" }, seen);
    }

    [Fact]
    public void RefusesInst()
    {
        var pickle = new PickleWriter().Mark().Str("x").Inst("os", "system").Stop().ToArray();

        Assert.Contains("references os.system", Assert.Throws<RqaException>(() => new SafeUnpickler(File).Load(pickle)).Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, 0x58, 0xff, 0x00, 0x00, 0x00, 0x61 })] // string longer than the data
    [InlineData(new byte[] { 0x80, 0x02, 0x4b, 0x01 })] // no STOP
    [InlineData(new byte[] { 0x80, 0x02, 0xff, 0x2e })] // unknown opcode
    [InlineData(new byte[] { 0x80, 0x02, 0x61, 0x2e })] // APPEND on an empty stack
    public void MalformedPickleIsAnRqaException(byte[] pickle)
    {
        var ex = Assert.Throws<RqaException>(() => new SafeUnpickler(File).Load(pickle));

        Assert.StartsWith("cannot read test.pkl: it is not a valid pickle", ex.Message);
    }
}
