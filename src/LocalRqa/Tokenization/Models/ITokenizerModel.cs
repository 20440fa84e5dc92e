namespace LocalRqa.Tokenization.Models;

/// <summary>A tokenizer.json "model" (WordPiece here; Unigram and BPE slot in the same way): one word to ids.</summary>
internal interface ITokenizerModel
{
    /// <summary>Appends the ids of one pre-tokenized word to <paramref name="ids"/>.</summary>
    void Tokenize(ReadOnlySpan<char> word, List<int> ids);

    int? TokenToId(string token);

    string? IdToToken(int id);

    /// <summary>One more than the largest id in the model's vocabulary.</summary>
    int VocabSize { get; }
}
