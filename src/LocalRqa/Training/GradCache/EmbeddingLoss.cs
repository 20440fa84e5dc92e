using static TorchSharp.torch;

namespace LocalRqa.Training.GradCache;

/// <summary>
/// A loss over a whole batch of query and document embeddings. It must depend on the texts only through these
/// embeddings: that is what lets GradCache (Gao et al. 2021) cut the graph at the embeddings.
/// </summary>
/// <param name="queries">[B, H]</param>
/// <param name="documents">[C, H]</param>
/// <returns>a scalar (one element)</returns>
internal delegate Tensor EmbeddingLoss(Tensor queries, Tensor documents);
