namespace LocalRqa.Inference;

/// <summary>What computes the embeddings of an inference-only pass (training always runs on TorchSharp).</summary>
internal enum InferenceEngine
{
    /// <summary>libtorch through TorchSharp: the network that trains, its BLAS (oneMKL in the libtorch-cpu build).</summary>
    Torch,
    /// <summary>ONNX Runtime on the graph <c>rqa export onnx</c> writes, built from the same weights in memory (its MLAS kernels).</summary>
    OnnxRuntime,
}
