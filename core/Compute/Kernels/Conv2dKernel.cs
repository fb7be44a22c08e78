using System.Numerics;

namespace NasPS.Compute.Kernels;

/// <summary>
/// Conv2d forward and backward over raw NCHW buffers. Every method overwrites its output.
/// Contract for the fast paths: results do not depend on the degree of parallelism (no reduction is split
/// across threads in a thread-count-dependent way), so a seed gives bit-identical results on 1 or 2 threads.
/// </summary>
public static class Conv2dKernel
{
    /// <summary>y[N,Cout,OutH,OutW] = conv(x, w) + bias (bias may be empty).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> bias, Span<T> y, in Conv2dShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = s.OutH, ow = s.OutW, cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        for (int n = 0; n < s.N; n++)
        for (int co = 0; co < s.Cout; co++)
        {
            int g = co / coutG;
            T b = bias.IsEmpty ? T.Zero : bias[co];
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                T acc = T.Zero;
                for (int ci = 0; ci < cinG; ci++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                    if ((uint)hi >= (uint)s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int wi = j * s.StrideW - s.PadW + kw * s.DilationW;
                        if ((uint)wi >= (uint)s.W) continue;
                        acc += x[((n * s.Cin + g * cinG + ci) * s.H + hi) * s.W + wi] * w[((co * cinG + ci) * s.KH + kh) * s.KW + kw];
                    }
                }
                y[((n * s.Cout + co) * oh + i) * ow + j] = acc + b;
            }
        }
    }

    /// <summary>dx = ∂L/∂x given dy = ∂L/∂y.</summary>
    public static void BackwardInput<T>(ReadOnlySpan<T> dy, ReadOnlySpan<T> w, Span<T> dx, in Conv2dShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = s.OutH, ow = s.OutW, cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        dx.Clear();
        for (int n = 0; n < s.N; n++)
        for (int co = 0; co < s.Cout; co++)
        {
            int g = co / coutG;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                T d = dy[((n * s.Cout + co) * oh + i) * ow + j];
                for (int ci = 0; ci < cinG; ci++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                    if ((uint)hi >= (uint)s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int wi = j * s.StrideW - s.PadW + kw * s.DilationW;
                        if ((uint)wi >= (uint)s.W) continue;
                        dx[((n * s.Cin + g * cinG + ci) * s.H + hi) * s.W + wi] += d * w[((co * cinG + ci) * s.KH + kh) * s.KW + kw];
                    }
                }
            }
        }
    }

    /// <summary>dw = ∂L/∂w and, when <paramref name="dbias"/> is not empty, dbias = ∂L/∂bias.</summary>
    public static void BackwardWeight<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dw, Span<T> dbias, in Conv2dShape s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = s.OutH, ow = s.OutW, cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        dw.Clear();
        dbias.Clear();
        for (int n = 0; n < s.N; n++)
        for (int co = 0; co < s.Cout; co++)
        {
            int g = co / coutG;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                T d = dy[((n * s.Cout + co) * oh + i) * ow + j];
                if (!dbias.IsEmpty) dbias[co] += d;
                for (int ci = 0; ci < cinG; ci++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                    if ((uint)hi >= (uint)s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int wi = j * s.StrideW - s.PadW + kw * s.DilationW;
                        if ((uint)wi >= (uint)s.W) continue;
                        dw[((co * cinG + ci) * s.KH + kh) * s.KW + kw] += d * x[((n * s.Cin + g * cinG + ci) * s.H + hi) * s.W + wi];
                    }
                }
            }
        }
    }
}
