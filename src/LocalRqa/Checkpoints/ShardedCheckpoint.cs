using LocalRqa.Json;

namespace LocalRqa.Checkpoints;

/// <summary>
/// Checkpoints split into several files with an index (`model.safetensors.index.json` or
/// `pytorch_model.bin.index.json`) whose `weight_map` names the shard of each tensor.
/// </summary>
internal sealed class ShardedCheckpoint : ICheckpointSource
{
    readonly Dictionary<string, ICheckpointSource> owner = new();

    public string Description { get; }
    public IEnumerable<string> Names => owner.Keys;

    public ShardedCheckpoint(string indexPath, Func<string, ICheckpointSource> openShard)
    {
        Description = indexPath;
        var map = JsonFile.Object(JsonFile.ReadObject(indexPath)["weight_map"], indexPath, "weight_map")
                  ?? throw new RqaException($"{indexPath}: missing 'weight_map'");
        var folder = Path.GetDirectoryName(indexPath)!;
        var shards = new Dictionary<string, ICheckpointSource>();
        foreach (var (name, file) in map)
        {
            var shardName = JsonFile.String(file, indexPath, $"weight_map.{name}")
                            ?? throw new RqaException($"{indexPath}: weight_map.{name} is not a file name");
            if (!shards.TryGetValue(shardName, out var shard))
            {
                var shardPath = Path.Combine(folder, shardName);
                if (Path.GetDirectoryName(Path.GetFullPath(shardPath)) != Path.GetFullPath(folder))
                    throw new RqaException($"{indexPath}: shard '{shardName}' is outside the model folder");
                if (!File.Exists(shardPath)) throw new RqaException($"{indexPath}: shard {shardName} is missing");
                shards[shardName] = shard = openShard(shardPath);
            }
            if (!shard.Names.Contains(name))
                throw new RqaException($"{indexPath}: weight_map puts '{name}' in {shardName}, which does not hold it");
            owner[name] = shard;
        }
    }

    public long[] Shape(string name) => owner[name].Shape(name);
    public HostTensor Read(string name) => owner[name].Read(name);
}
