using NasPS.Compute.Kernels;

namespace NasPS.Tests.Kernels;

/// <summary>The naive loop nests the fast kernels are checked against, in double precision. Besides each value
/// they return its magnitude Σ|term|, the natural scale of the rounding error of any summation order.</summary>
public static class ReferenceConv
{
    public static (double[] Value, double[] Magnitude) Forward(double[] x, double[] w, double[]? bias, in Conv2dShape s)
    {
        int oh = s.OutH, ow = s.OutW, cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        var y = new double[s.OutputLength];
        var mag = new double[s.OutputLength];
        for (int n = 0; n < s.N; n++)
        for (int co = 0; co < s.Cout; co++)
        {
            int g = co / coutG;
            double b = bias is null ? 0 : bias[co];
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double acc = b, size = Math.Abs(b);
                for (int ci = 0; ci < cinG; ci++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                    if ((uint)hi >= (uint)s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int wi = j * s.StrideW - s.PadW + kw * s.DilationW;
                        if ((uint)wi >= (uint)s.W) continue;
                        double term = x[((n * s.Cin + g * cinG + ci) * s.H + hi) * s.W + wi] * w[((co * cinG + ci) * s.KH + kh) * s.KW + kw];
                        acc += term;
                        size += Math.Abs(term);
                    }
                }
                int at = ((n * s.Cout + co) * oh + i) * ow + j;
                y[at] = acc;
                mag[at] = size;
            }
        }
        return (y, mag);
    }

    public static (double[] Value, double[] Magnitude) BackwardInput(double[] dy, double[] w, in Conv2dShape s)
    {
        int oh = s.OutH, ow = s.OutW, cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        var dx = new double[s.InputLength];
        var mag = new double[s.InputLength];
        for (int n = 0; n < s.N; n++)
        for (int co = 0; co < s.Cout; co++)
        {
            int g = co / coutG;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double d = dy[((n * s.Cout + co) * oh + i) * ow + j];
                for (int ci = 0; ci < cinG; ci++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                    if ((uint)hi >= (uint)s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int wi = j * s.StrideW - s.PadW + kw * s.DilationW;
                        if ((uint)wi >= (uint)s.W) continue;
                        int at = ((n * s.Cin + g * cinG + ci) * s.H + hi) * s.W + wi;
                        double term = d * w[((co * cinG + ci) * s.KH + kh) * s.KW + kw];
                        dx[at] += term;
                        mag[at] += Math.Abs(term);
                    }
                }
            }
        }
        return (dx, mag);
    }

    public static (double[] Value, double[] Magnitude, double[] Bias) BackwardWeight(double[] x, double[] dy, in Conv2dShape s)
    {
        int oh = s.OutH, ow = s.OutW, cinG = s.CinPerGroup, coutG = s.CoutPerGroup;
        var dw = new double[s.WeightLength];
        var mag = new double[s.WeightLength];
        var dbias = new double[s.Cout];
        for (int n = 0; n < s.N; n++)
        for (int co = 0; co < s.Cout; co++)
        {
            int g = co / coutG;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double d = dy[((n * s.Cout + co) * oh + i) * ow + j];
                dbias[co] += d;
                for (int ci = 0; ci < cinG; ci++)
                for (int kh = 0; kh < s.KH; kh++)
                {
                    int hi = i * s.StrideH - s.PadH + kh * s.DilationH;
                    if ((uint)hi >= (uint)s.H) continue;
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        int wi = j * s.StrideW - s.PadW + kw * s.DilationW;
                        if ((uint)wi >= (uint)s.W) continue;
                        int at = ((co * cinG + ci) * s.KH + kh) * s.KW + kw;
                        double term = d * x[((n * s.Cin + g * cinG + ci) * s.H + hi) * s.W + wi];
                        dw[at] += term;
                        mag[at] += Math.Abs(term);
                    }
                }
            }
        }
        return (dw, mag, dbias);
    }

    /// <summary>C = alpha·op(A)·op(B) + beta·C0 and its magnitude.</summary>
    public static (double[] Value, double[] Magnitude) Gemm(bool transposeA, bool transposeB, int m, int n, int k, double alpha,
        double[] a, int lda, double[] b, int ldb, double beta, double[] c0, int ldc)
    {
        var c = (double[])c0.Clone();
        var mag = new double[c0.Length];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double acc = 0, size = 0;
            for (int p = 0; p < k; p++)
            {
                double term = (transposeA ? a[p * lda + i] : a[i * lda + p]) * (transposeB ? b[j * ldb + p] : b[p * ldb + j]);
                acc += term;
                size += Math.Abs(term);
            }
            double prior = beta == 0 ? 0 : beta * c0[i * ldc + j];
            c[i * ldc + j] = alpha * acc + prior;
            mag[i * ldc + j] = Math.Abs(alpha) * size + Math.Abs(prior);
        }
        return (c, mag);
    }
}
