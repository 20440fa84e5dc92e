using System.Security.Cryptography;
using System.Text;

namespace LocalRqa.Data;

/// <summary>
/// The answer an RPG (REPLUG) example is scored with, as LocalRQA's ReplugDataset.get_target picks it:
/// `gold_answer` when the line has one, else one of `answers`. LocalRQA draws that one with Python's global
/// random.choice, so its pick depends on the order examples are visited; here it is a function of (seed, line,
/// question), the same in every epoch and every run with the same seed.
/// </summary>
internal static class TargetAnswer
{
    /// <param name="file">the data file, for messages</param>
    public static string Pick(RetrievalExample example, int seed, string file)
    {
        var where = $"{file}:{example.Line}";
        if (example.GoldAnswer is { } gold)
            return string.IsNullOrWhiteSpace(gold)
                ? throw new RqaException($"{where}: 'gold_answer' is empty; the LM score needs an answer to score")
                : gold;
        if (example.Answers is not { Count: > 0 } answers)
            throw new RqaException($"{where}: no 'gold_answer' (and no non-empty 'answers' list); RPG training scores passages by the LM's likelihood of the answer");
        var picked = answers[Index(seed, example, answers.Count)];
        return string.IsNullOrWhiteSpace(picked)
            ? throw new RqaException($"{where}: the answer picked from 'answers' is empty; the LM score needs an answer to score")
            : picked;
    }

    static int Index(int seed, RetrievalExample example, int count)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{example.Line}\n{example.Question}"));
        return (int)(BitConverter.ToUInt64(digest, 0) % (ulong)count);
    }
}
