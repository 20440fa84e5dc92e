using System.IO.Compression;
using LocalRqa.Tests.Pickles;

namespace LocalRqa.Tests.Checkpoints;

/// <summary>
/// Writes state dicts the way torch.save (torch 2.x, pickle protocol 2) does: a zip of uncompressed records
/// <c>archive/data.pkl</c>, <c>archive/data/{key}</c>, <c>archive/byteorder</c> and <c>archive/version</c>, where
/// data.pkl is <c>OrderedDict()</c> filled by SETITEMS with <c>_rebuild_tensor_v2(storage, offset, size, stride,
/// requires_grad, OrderedDict())</c> calls and each storage is the persistent id
/// <c>('storage', torch.FloatStorage, key, 'cpu', numel)</c>; the dict's <c>_metadata</c> attribute follows by BUILD.
/// </summary>
internal sealed class TorchCheckpointWriter
{
    private readonly List<(string Key, string StorageClass, byte[] Bytes, long Numel)> storages = [];
    private readonly List<(string Name, string Key, long Offset, long[] Size, long[] Stride, bool Parameter)> tensors = [];

    public TorchCheckpointWriter Storage(string key, float[] values) =>
        Storage(key, "FloatStorage", values.SelectMany(BitConverter.GetBytes).ToArray(), values.Length);

    public TorchCheckpointWriter HalfStorage(string key, float[] values) =>
        Storage(key, "HalfStorage", values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray(), values.Length);

    public TorchCheckpointWriter Storage(string key, string storageClass, byte[] bytes, long numel)
    {
        storages.Add((key, storageClass, bytes, numel));
        return this;
    }

    public TorchCheckpointWriter Tensor(string name, string key, long offset, long[] size, long[] stride, bool parameter = false)
    {
        tensors.Add((name, key, offset, size, stride, parameter));
        return this;
    }

    /// <summary>A contiguous row-major tensor over a whole storage.</summary>
    public TorchCheckpointWriter Tensor(string name, string key, params long[] size)
    {
        var stride = new long[size.Length];
        for (long d = size.Length - 1, s = 1; d >= 0; s *= size[d], d--) stride[d] = s;
        return Tensor(name, key, 0, size, stride);
    }

    public void Save(string path) => WriteZip(path, Pickle());

    public byte[] Pickle()
    {
        var memo = new Dictionary<string, int>();
        var w = new PickleWriter().Proto(2);
        // Python memoizes every global and string; later uses are BINGETs, as in real files.
        void Global(string module, string name)
        {
            if (memo.TryGetValue($"{module}.{name}", out var i)) { w.BinGet(i); return; }
            w.Global(module, name).BinPut(memo[$"{module}.{name}"] = memo.Count);
        }
        void Str(string s)
        {
            if (memo.TryGetValue("'" + s, out var i)) { w.BinGet(i); return; }
            w.Str(s).BinPut(memo["'" + s] = memo.Count);
        }
        void IntTuple(long[] values)
        {
            switch (values.Length)
            {
                case 0: w.EmptyTuple(); return;
                case 1: w.Int(values[0]).Tuple1(); break;
                case 2: w.Int(values[0]).Int(values[1]).Tuple2(); break;
                case 3: w.Int(values[0]).Int(values[1]).Int(values[2]).Tuple3(); break;
                default: w.Mark(); foreach (var v in values) w.Int(v); w.Tuple(); break;
            }
            w.BinPut(memo[Guid.NewGuid().ToString()] = memo.Count);
        }
        void EmptyOrderedDict()
        {
            Global("collections", "OrderedDict");
            w.EmptyTuple().Reduce().BinPut(memo[Guid.NewGuid().ToString()] = memo.Count);
        }

        EmptyOrderedDict();
        w.Mark();
        foreach (var t in tensors)
        {
            var storage = storages.Single(s => s.Key == t.Key);
            Str(t.Name);
            if (t.Parameter) Global("torch._utils", "_rebuild_parameter");
            Global("torch._utils", "_rebuild_tensor_v2");
            w.Mark();
            w.Mark();
            Str("storage");
            Global("torch", storage.StorageClass);
            Str(storage.Key);
            Str("cpu");
            w.Int(storage.Numel).Tuple().BinPut(memo[Guid.NewGuid().ToString()] = memo.Count);
            w.BinPersId();
            w.Int(t.Offset);
            IntTuple(t.Size);
            IntTuple(t.Stride);
            w.Bool(false);
            EmptyOrderedDict();
            w.Tuple().BinPut(memo[Guid.NewGuid().ToString()] = memo.Count).Reduce().BinPut(memo[Guid.NewGuid().ToString()] = memo.Count);
            if (t.Parameter)
            {
                w.Bool(true);
                EmptyOrderedDict();
                w.Tuple3().Reduce();
            }
        }
        w.SetItems();

        // state_dict()._metadata = OrderedDict({'': {'version': 1}})
        w.EmptyDict();
        Str("_metadata");
        EmptyOrderedDict();
        Str("");
        w.EmptyDict();
        Str("version");
        w.Int(1).SetItem().SetItem().SetItem();
        return w.Build().Stop().ToArray();
    }

    public static void WriteZip(string path, byte[] dataPkl, IEnumerable<(string Key, byte[] Bytes)>? storages = null, string prefix = "archive")
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Record(string name, byte[] bytes)
        {
            using var s = zip.CreateEntry($"{prefix}/{name}", CompressionLevel.NoCompression).Open();
            s.Write(bytes);
        }
        Record("data.pkl", dataPkl);
        Record("byteorder", "little"u8.ToArray());
        foreach (var (key, bytes) in storages ?? []) Record($"data/{key}", bytes);
        Record("version", "3\n"u8.ToArray());
    }

    private void WriteZip(string path, byte[] dataPkl) => WriteZip(path, dataPkl, storages.Select(s => (s.Key, s.Bytes)));
}
