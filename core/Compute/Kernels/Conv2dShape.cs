namespace NasPS.Compute.Kernels;

/// <summary>Geometry of a 2-D convolution over NCHW input and [Cout, Cin/Groups, KH, KW] weights.</summary>
public readonly record struct Conv2dShape(
    int N, int Cin, int H, int W,
    int Cout, int KH, int KW,
    int StrideH = 1, int StrideW = 1,
    int PadH = 0, int PadW = 0,
    int DilationH = 1, int DilationW = 1,
    int Groups = 1)
{
    public int OutH => (H + 2 * PadH - DilationH * (KH - 1) - 1) / StrideH + 1;
    public int OutW => (W + 2 * PadW - DilationW * (KW - 1) - 1) / StrideW + 1;
    public int CinPerGroup => Cin / Groups;
    public int CoutPerGroup => Cout / Groups;
    public long InputLength => (long)N * Cin * H * W;
    public long OutputLength => (long)N * Cout * OutH * OutW;
    public long WeightLength => (long)Cout * CinPerGroup * KH * KW;
    /// <summary>One input channel per group and one output channel per input channel: the convolutions run directly,
    /// not as GEMMs (and so cannot stage a rectified input).</summary>
    public bool IsDepthwise => Groups > 1 && Groups == Cin && Groups == Cout;
    /// <summary>Multiply-accumulates of the forward pass.</summary>
    public long Macs => (long)N * Cout * OutH * OutW * CinPerGroup * KH * KW;

    public void Validate()
    {
        if (N <= 0 || Cin <= 0 || H <= 0 || W <= 0 || Cout <= 0 || KH <= 0 || KW <= 0)
            throw new ArgumentException($"Conv2d: every dimension must be positive ({this}).");
        if (StrideH <= 0 || StrideW <= 0 || DilationH <= 0 || DilationW <= 0 || PadH < 0 || PadW < 0 || Groups <= 0)
            throw new ArgumentException($"Conv2d: invalid stride, padding, dilation or groups ({this}).");
        if (Cin % Groups != 0 || Cout % Groups != 0)
            throw new ArgumentException($"Conv2d: channels {Cin}→{Cout} are not divisible by groups {Groups}.");
        if (OutH <= 0 || OutW <= 0)
            throw new ArgumentException($"Conv2d: the kernel does not fit the padded input ({this}).");
    }
}
