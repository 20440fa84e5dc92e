namespace LocalRqa.Arguments;

/// <summary>
/// When a flag has an effect, declared beside the flag (<c>ArgumentSchemaBuilder.OnlyWhen</c>): a flag set
/// where it does nothing (--index_path with --retriever_type bm25) is named in one warning rather than silently ignored.
/// </summary>
/// <param name="Applies">whether the flag acts, given its record and every record parsed with it (a shared record such as
/// the fusion flags acts only when another record chooses a hybrid retriever)</param>
/// <param name="Otherwise">the end of the warning: "with --retriever_type bm25 (BM25 searches no vector index)"</param>
internal sealed record FlagApplicability(Func<object, ArgumentSet, bool> Applies, string Otherwise);
