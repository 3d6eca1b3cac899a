using System.Runtime.InteropServices;

namespace TensorCash.Interop;

// Blittable mirrors of the structs in native/include/tensorcash.h. Field order and sizes must match the
// header exactly; Native/AbiLayoutTests compares them with tc_abi_layout().

[StructLayout(LayoutKind.Sequential)]
public struct TcTensor
{
    public nint Data;
    public int DType;
    public int Rows;
    public int Cols;
    public int Reserved;
}

[StructLayout(LayoutKind.Sequential)]
public struct TcLayerWeights
{
    public TcTensor AttnNorm, Wq, Wk, Wv, Wo, Bq, Bk, Bv, FfnNorm, WGate, WUp, WDown;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct TcModelConfig
{
    public int LayerCount;
    public int ModelDim;
    public int HeadCount;
    public int KvHeadCount;
    public int HeadDim;
    public int FeedForwardDim;
    public int VocabSize;
    public int MaxSequenceLength;
    public float RmsNormEps;
    public int Reserved;
    public double* RopeInvFreq;
    /// <summary>ABI 4: 0 = no sliding window; W > 0 = a query at position p attends to p - W + 1 .. p.</summary>
    public int SlidingWindow;
    public int Reserved2;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct TcModelWeights
{
    public TcTensor TokenEmbedding;
    public TcTensor OutputNorm;
    public TcTensor Output;
    public TcLayerWeights* Layers;
}

[StructLayout(LayoutKind.Sequential)]
public unsafe struct TcBatchItem
{
    public nint Kv;
    public int* Tokens;
    public int TokenCount;
    public int LogitsMode;
    public float* Logits;
    public float* Hidden;
    public int* Rows;
    public int RowCount;
    public int Reserved;
}
