using System.Reflection;
using System.Reflection.Emit;

namespace LocalRqa.Tests.Architecture;

/// <summary>
/// Which top-level namespaces of LocalRqa (the X of LocalRqa.X.Y) use which, read from the compiled assembly:
/// signatures, base types, attributes and every type, method and field token in the IL, so a use counts
/// whether it came from a <c>using</c> line, a fully qualified name or a lambda.
/// </summary>
internal sealed class NamespaceGraph
{
    private const string Root = "LocalRqa";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Declared =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    private readonly Assembly assembly;

    /// <summary>For each edge (user, used), the uses behind it as "UserType → UsedType", to show where to look.</summary>
    public Dictionary<(string User, string Used), SortedSet<string>> Edges { get; } = [];

    private NamespaceGraph(Assembly assembly) => this.assembly = assembly;

    public static NamespaceGraph Of(Assembly assembly)
    {
        var graph = new NamespaceGraph(assembly);
        foreach (var type in assembly.GetTypes()) graph.AddUsesOf(type);
        return graph;
    }

    /// <summary>
    /// The groups of namespaces that reach each other (strongly connected components of two or more), each sorted,
    /// in the graph without the edges <paramref name="ignoring"/>.
    /// </summary>
    public List<string[]> Cycles(IReadOnlyCollection<(string User, string Used)> ignoring)
    {
        var edges = Edges.Keys.Except(ignoring).ToList();
        var nodes = edges.SelectMany(e => new[] { e.User, e.Used }).Distinct().Order().ToList();
        var next = nodes.ToDictionary(n => n, n => edges.Where(e => e.User == n).Select(e => e.Used).ToList());
        // Tarjan's algorithm; the graph has a few dozen nodes, so recursion is fine.
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<string[]>();
        void Visit(string n)
        {
            index[n] = low[n] = index.Count;
            stack.Push(n);
            foreach (var m in next[n])
            {
                if (!index.ContainsKey(m)) { Visit(m); low[n] = Math.Min(low[n], low[m]); }
                else if (stack.Contains(m)) low[n] = Math.Min(low[n], index[m]);
            }
            if (low[n] != index[n]) return;
            var component = new List<string>();
            string popped;
            do { popped = stack.Pop(); component.Add(popped); } while (popped != n);
            if (component.Count > 1) cycles.Add([.. component.Order()]);
        }
        foreach (var n in nodes) if (!index.ContainsKey(n)) Visit(n);
        return cycles;
    }

    private void AddUsesOf(Type type)
    {
        if (TopLevel(type) is null) return; // <PrivateImplementationDetails> and other compiler types without a namespace
        AddType(type, type.BaseType);
        foreach (var i in type.GetInterfaces()) AddType(type, i);
        AddAttributes(type, type.GetCustomAttributesData());
        foreach (var field in type.GetFields(Declared))
        {
            AddType(type, field.FieldType);
            AddAttributes(type, field.GetCustomAttributesData());
        }
        foreach (var property in type.GetProperties(Declared))
        {
            AddType(type, property.PropertyType);
            AddAttributes(type, property.GetCustomAttributesData());
        }
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            AddSignature(type, method);
            AddAttributes(type, method.GetCustomAttributesData());
            AddBody(type, method);
        }
    }

    private void AddBody(Type user, MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) return;
        var typeArguments = user.IsGenericType ? user.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int at = 0;
        while (at < il.Length)
        {
            short value = il[at] == 0xFE ? (short)(0xFE00 | il[at + 1]) : il[at];
            at += il[at] == 0xFE ? 2 : 1;
            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                    AddMember(user, member);
                    break;
            }
            at += OperandSize(opCode.OperandType, il, at);
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private void AddMember(Type user, MemberInfo? member)
    {
        switch (member)
        {
            case Type t: AddType(user, t); break;
            case FieldInfo f: AddType(user, f.DeclaringType); AddType(user, f.FieldType); break;
            case MethodBase m: AddType(user, m.DeclaringType); AddSignature(user, m); break;
        }
    }

    private void AddSignature(Type user, MethodBase method)
    {
        if (method is MethodInfo info)
        {
            AddType(user, info.ReturnType);
            if (info.IsGenericMethod) foreach (var a in info.GetGenericArguments()) AddType(user, a);
        }
        foreach (var p in method.GetParameters()) AddType(user, p.ParameterType);
    }

    private void AddAttributes(Type user, IEnumerable<CustomAttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            AddType(user, attribute.AttributeType);
            foreach (var argument in attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(n => n.TypedValue)))
            {
                if (argument.Value is Type t) AddType(user, t);
            }
        }
    }

    private void AddType(Type user, Type? used)
    {
        if (used is null || used.IsGenericParameter) return;
        if (used.HasElementType) { AddType(user, used.GetElementType()); return; }
        if (used.IsConstructedGenericType)
        {
            foreach (var a in used.GetGenericArguments()) AddType(user, a);
            used = used.GetGenericTypeDefinition();
        }
        if (used.Assembly != assembly) return;
        if (TopLevel(user) is not { } from || TopLevel(used) is not { } to || from == to) return;
        if (!Edges.TryGetValue((from, to), out var uses)) Edges[(from, to)] = uses = new(StringComparer.Ordinal);
        uses.Add($"{user.FullName} → {used.FullName}");
    }

    private static string? TopLevel(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || !(ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal))) return null;
        return ns == Root ? Root : ns[(Root.Length + 1)..].Split('.')[0];
    }
}
