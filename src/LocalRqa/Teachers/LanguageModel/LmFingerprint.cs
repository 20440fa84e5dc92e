using LocalRqa.Checkpoints;
using static TorchSharp.torch;

namespace LocalRqa.Teachers.LanguageModel;

/// <summary>
/// A SHA-256 that names one frozen LM as the score cache sees it (<see cref="ModelFolderFingerprint"/>): the dtype
/// it runs in (bfloat16 scores differ from float32 ones), config.json, the tokenizer files and every weight file.
/// </summary>
internal static class LmFingerprint
{
    static readonly string[] DefiningFiles =
        ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "tokenizer.model"];

    public static string OfFolder(string folder, ScalarType weightType)
    {
        if (!Directory.Exists(folder)) throw new RqaException($"{folder}: language-model folder does not exist");
        return ModelFolderFingerprint.Of(folder, [$"dtype:{weightType}"], DefiningFiles);
    }
}
