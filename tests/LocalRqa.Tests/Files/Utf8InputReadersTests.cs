using System.Text;
using LocalRqa.Data;
using LocalRqa.Data.Dca;
using LocalRqa.Evaluation;
using LocalRqa.Jobs;
using LocalRqa.Json;
using LocalRqa.Teachers.LanguageModel;

namespace LocalRqa.Tests.Files;

/// <summary>
/// Every reader of the user's text files refuses invalid UTF-8 with the file, line and byte (they all read through
/// <see cref="LocalRqa.Files.Utf8TextFile"/>); before it, FF FE became two U+FFFD and the file was accepted.
/// </summary>
public sealed class Utf8InputReadersTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rqa-utf8-readers-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    const string Bad = "<FF FE>";

    /// <summary>Three lines of each kind of file; <see cref="Bad"/> on line 3 is written as the bytes FF FE.</summary>
    static readonly Dictionary<string, (string[] Lines, Action<string> Read)> Inputs = new()
    {
        ["database.jsonl"] = (["{\"page_content\": \"a\"}", "{\"page_content\": \"b\"}", $"{{\"page_content\": \"c{Bad}\"}}"],
            path => DocumentDatabase.Load(path)),
        ["database.json"] = (["[{\"page_content\": \"a\"},", "{\"page_content\": \"b\"},", $"{{\"page_content\": \"c{Bad}\"}}]"],
            path => DocumentDatabase.Load(path)),
        ["questions.jsonl"] = ([Question("q1"), Question("q2"), Question($"q{Bad}")], path => RetrievalDataReader.Read(path)),
        ["questions.json"] = (["[" + Question("q1") + ",", Question("q2") + ",", Question($"q{Bad}") + "]"], path => RetrievalDataReader.Read(path)),
        ["encode.jsonl"] = (["{\"text\": \"a\"}", "{\"text\": \"b\"}", $"{{\"text\": \"c{Bad}\"}}"], path => EncodeJob.ReadTexts(path)),
        ["dca.jsonl"] = ([Dca("q1"), Dca("q2"), Dca($"q{Bad}")], path => DcaFileReader.Read(path)),
        ["dca.json"] = (["[" + Dca("q1") + ",", Dca("q2") + ",", Dca($"q{Bad}") + "]"], path => DcaFileReader.Read(path)),
        ["kind.json"] = (["[" + Dca("q1") + ",", Dca("q2") + ",", Dca($"q{Bad}") + "]"], path => DcaInputs.HasContexts(path)),
        ["predictions.jsonl"] = ([Prediction("q1"), Prediction("q2"), Prediction($"q{Bad}")], path => PredictionsFile.Read(path)),
        ["recipe.json"] = (["{", "  \"output\": \"out.jsonl\",", $"  \"input\": \"in{Bad}.jsonl\"", "}"], path => JsonFile.ReadObject(path)),
        ["prompt.txt"] = (["Context: {formatted_documents}", "User: {formatted_chat}", $"Answer{Bad}:"], path => RpgPromptTemplate.Load(path)),
    };

    static string Question(string q) => $"{{\"question\": \"{q}\", \"gold_docs\": [{{\"page_content\": \"p\"}}]}}";
    static string Dca(string q) => $"{{\"question\": \"{q}\", \"ctxs\": [{{\"text\": \"t\"}}]}}";
    static string Prediction(string q) => $"{{\"question\": \"{q}\", \"gold_docs\": [], \"retrieved_docs\": []}}";

    public static TheoryData<string> Names => new(Inputs.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void FfFeOnLineThreeIsRefusedNamingFileLineAndByte(string name)
    {
        var (lines, read) = Inputs[name];
        var path = Path.Combine(dir, name);
        var text = string.Join("\n", lines) + "\n";
        var bytes = text.Split(Bad).Select(Encoding.UTF8.GetBytes).ToArray();
        File.WriteAllBytes(path, [.. bytes[0], 0xFF, 0xFE, .. bytes[1]]);
        // The byte of line 3 where the bad bytes start, counted from 1.
        var byteOfLine = Encoding.UTF8.GetByteCount(lines[2][..lines[2].IndexOf(Bad, StringComparison.Ordinal)]) + 1;

        var error = Assert.Throws<RqaException>(() => read(path));

        Assert.Equal($"{path}:3: invalid UTF-8 at byte {byteOfLine} of the line (0xFF)", error.Message);
    }
}
