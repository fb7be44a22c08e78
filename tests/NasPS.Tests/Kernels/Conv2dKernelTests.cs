using System.Numerics;
using NasPS.Compute.Kernels;
using NasPS.Randomness;
using Xunit;

namespace NasPS.Tests.Kernels;

public class Conv2dKernelTests
{
    // N, Cin, H, W, Cout, K, stride, pad, dilation, groups: NB201/NB101 shapes scaled down, plus the odd cases.
    public static TheoryData<string, Conv2dShape> Shapes() => new()
    {
        { "stem 3→16", new Conv2dShape(2, 3, 9, 9, 16, 3, 3, PadH: 1, PadW: 1) },
        { "nb201 3×3", new Conv2dShape(3, 8, 8, 8, 8, 3, 3, PadH: 1, PadW: 1) },
        { "nb201 3×3 wide", new Conv2dShape(1, 20, 12, 12, 40, 3, 3, PadH: 1, PadW: 1) },
        { "1×1 odd", new Conv2dShape(2, 16, 7, 7, 16, 1, 1) },
        { "1×1 stride 2", new Conv2dShape(2, 5, 6, 7, 7, 1, 1, 2, 2) },
        { "reduction 3×3 stride 2", new Conv2dShape(2, 8, 9, 9, 16, 3, 3, 2, 2, 1, 1) },
        { "stride 2 rows split by vectors", new Conv2dShape(2, 3, 6, 37, 4, 3, 3, 2, 2, 1, 1) },
        { "small images over chunks, gathered", new Conv2dShape(19, 5, 5, 6, 7, 3, 3, PadH: 1, PadW: 1) },
        { "5×5 N=1 non-square", new Conv2dShape(1, 4, 11, 10, 6, 5, 5, PadH: 2, PadW: 2) },
        { "7×7 stride 2 pad 3", new Conv2dShape(2, 3, 13, 13, 5, 7, 7, 2, 2, 3, 3) },
        { "3×3 pad 0 odd channels", new Conv2dShape(1, 7, 5, 5, 9, 3, 3) },
        { "3×3 dilation 2", new Conv2dShape(2, 8, 10, 10, 8, 3, 3, PadH: 2, PadW: 2, DilationH: 2, DilationW: 2) },
        { "asymmetric stride/pad/dilation", new Conv2dShape(2, 4, 11, 9, 6, 3, 2, 2, 1, 1, 0, 1, 2) },
        { "groups 2", new Conv2dShape(2, 8, 6, 6, 12, 3, 3, PadH: 1, PadW: 1, Groups: 2) },
        { "groups 4, multiplier 2", new Conv2dShape(2, 4, 8, 8, 8, 3, 3, PadH: 1, PadW: 1, Groups: 4) },
        { "depthwise 3×3", new Conv2dShape(2, 8, 9, 9, 8, 3, 3, PadH: 1, PadW: 1, Groups: 8) },
        { "depthwise stride 2", new Conv2dShape(2, 6, 8, 8, 6, 3, 3, 2, 2, 1, 1, Groups: 6) },
        { "depthwise 5×5 dilation 2", new Conv2dShape(1, 8, 10, 10, 8, 5, 5, PadH: 4, PadW: 4, DilationH: 2, DilationW: 2, Groups: 8) },
        { "batch over chunks", new Conv2dShape(40, 4, 8, 8, 4, 3, 3, PadH: 1, PadW: 1) },
        { "1×1 batch over chunks", new Conv2dShape(70, 3, 4, 4, 5, 1, 1) },
        // Output rows of 64 are whole GEMM tiles on every path (32 floats with AVX-512): computed in place, row by row;
        // 12 output channels leave an edge panel of rows.
        { "rows of whole tiles", new Conv2dShape(3, 3, 12, 64, 12, 3, 3, PadH: 1, PadW: 1) },
        // Images narrower than a tile whose planes are whole tiles (8×8, 16×16): shifted copies per kw, read in place.
        { "shifted rows 16×16, groups 2", new Conv2dShape(3, 4, 16, 16, 10, 3, 3, PadH: 1, PadW: 1, Groups: 2) },
        { "shifted rows 8×8, 5×5", new Conv2dShape(5, 3, 8, 8, 9, 5, 5, PadH: 2, PadW: 2) },
        // Strided and unpadded convolutions with 8×8 outputs (whole-tile planes, rows narrower than a tile).
        { "8×8 out, reduction 16→8", new Conv2dShape(3, 4, 16, 16, 10, 3, 3, 2, 2, 1, 1) },
        { "8×8 out, unpadded 10→8", new Conv2dShape(2, 3, 10, 10, 5, 3, 3) },
        { "8×8 out, stride 3", new Conv2dShape(2, 3, 24, 24, 4, 3, 3, 3, 3) },
        { "8×8 out, asymmetric", new Conv2dShape(2, 3, 16, 18, 6, 3, 2, 2, 2, 1, 0, 1, 2) },
        // Stride-2 3×3 reductions with whole-tile output planes: six phase-shifted copies per channel, read in place.
        { "shifted phases 32×32 → 16×16", new Conv2dShape(2, 4, 32, 32, 6, 3, 3, 2, 2, 1, 1) },
        { "shifted phases 16×16 → 8×8, groups 2, many images", new Conv2dShape(17, 4, 16, 16, 10, 3, 3, 2, 2, 1, 1, Groups: 2) },
        { "rows of whole tiles, dilated 5×5", new Conv2dShape(2, 2, 7, 64, 9, 5, 5, PadH: 4, PadW: 4, DilationH: 2, DilationW: 2) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FloatMatchesReferenceOnEveryPath(string name, Conv2dShape shape) => CheckAllPaths<float>(name, shape);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DoubleMatchesReferenceOnEveryPath(string name, Conv2dShape shape) => CheckAllPaths<double>(name, shape);

    private static void CheckAllPaths<T>(string name, Conv2dShape s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng((ulong)name.GetHashCode(StringComparison.Ordinal) ^ 0x5eed);
        var (x, xe) = KernelTestData.Rounded<T>(KernelTestData.Gaussian(rng, s.InputLength));
        var (w, we) = KernelTestData.Rounded<T>(KernelTestData.Gaussian(rng, s.WeightLength));
        var (bias, be) = KernelTestData.Rounded<T>(KernelTestData.Gaussian(rng, s.Cout));
        var (dy, dye) = KernelTestData.Rounded<T>(KernelTestData.Gaussian(rng, s.OutputLength));
        int reduction = s.CinPerGroup * s.KH * s.KW;

        var (yRef, yMag) = ReferenceConv.Forward(xe, we, be, s);
        var (yNoBias, yNoBiasMag) = ReferenceConv.Forward(xe, we, null, s);
        var (dxRef, dxMag) = ReferenceConv.BackwardInput(dye, we, s);
        var (dwRef, dwMag, dbRef) = ReferenceConv.BackwardWeight(xe, dye, s);
        var dbMag = new double[s.Cout];
        for (int i = 0; i < dye.Length; i++) dbMag[i / (s.OutH * s.OutW) % s.Cout] += Math.Abs(dye[i]);

        foreach (var path in KernelTestData.Paths())
        using (KernelPaths.Force(path))
        {
            string what = $"{name} {path} {typeof(T).Name}";
            // Outputs start as NaN: every element must be overwritten.
            var y = Filled<T>(s.OutputLength);
            Conv2dKernel.Forward<T>(x, w, bias, y, s);
            KernelTestData.AssertClose<T>(y, yRef, yMag, reduction + 1, what + " forward");
            Conv2dKernel.Forward<T>(x, w, ReadOnlySpan<T>.Empty, y, s);
            KernelTestData.AssertClose<T>(y, yNoBias, yNoBiasMag, reduction, what + " forward without bias");
            CheckRectifiedInput<T>(x, w, bias, s, what);

            var dx = Filled<T>(s.InputLength);
            Conv2dKernel.BackwardInput<T>(dy, w, dx, s);
            KernelTestData.AssertClose<T>(dx, dxRef, dxMag, s.CoutPerGroup * s.KH * s.KW, what + " backward input");

            var dw = Filled<T>(s.WeightLength);
            var db = Filled<T>(s.Cout);
            Conv2dKernel.BackwardWeight<T>(x, dy, dw, db, s);
            int batchReduction = s.N * s.OutH * s.OutW;
            KernelTestData.AssertClose<T>(dw, dwRef, dwMag, batchReduction, what + " backward weight");
            KernelTestData.AssertClose<T>(db, dbRef, dbMag, batchReduction, what + " backward bias");
        }
    }

    /// <summary>The ReLU fused into the input staging gives exactly conv(max(x, 0)) on every route (depthwise refuses it).</summary>
    private static void CheckRectifiedInput<T>(T[] x, T[] w, T[] bias, in Conv2dShape s, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var shape = s;
        if (s.Groups > 1 && s.Groups == s.Cin && s.Groups == s.Cout)
        {
            Assert.Throws<NotSupportedException>(() => Conv2dKernel.Forward<T>(x, w, bias, new T[shape.OutputLength], shape, rectifyInput: true));
            return;
        }
        var rectified = x.Select(v => T.Max(v, T.Zero)).ToArray();
        Assert.Contains(x, v => v < T.Zero);
        foreach (var b in new[] { bias, [] })
        {
            var expected = Filled<T>(s.OutputLength);
            Conv2dKernel.Forward<T>(rectified, w, b, expected, s);
            var fused = Filled<T>(s.OutputLength);
            Conv2dKernel.Forward<T>(x, w, b, fused, s, rectifyInput: true);
            for (int i = 0; i < fused.Length; i++)
                if (!fused[i].Equals(expected[i]))
                    Assert.Fail($"{what} rectified input{(b.Length == 0 ? " without bias" : "")}: y[{i}] = {fused[i]}, conv(relu(x)) gives {expected[i]}");
        }
    }

    private static T[] Filled<T>(long length) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var values = new T[length];
        Array.Fill(values, T.NaN);
        return values;
    }

    [Fact]
    public void ShortBufferIsNamed()
    {
        var s = new Conv2dShape(1, 2, 4, 4, 3, 3, 3, PadH: 1, PadW: 1);
        var ex = Assert.Throws<ArgumentException>(() =>
            Conv2dKernel.Forward<float>(new float[s.InputLength], new float[s.WeightLength - 1], ReadOnlySpan<float>.Empty, new float[s.OutputLength], s));
        Assert.Contains("weight w", ex.Message);
    }

    [Fact]
    public void InvalidShapeIsRejected()
    {
        var s = new Conv2dShape(1, 3, 4, 4, 4, 3, 3, Groups: 2);
        var ex = Assert.Throws<ArgumentException>(() =>
            Conv2dKernel.Forward<float>(new float[48], new float[100], ReadOnlySpan<float>.Empty, new float[100], s));
        Assert.Contains("groups", ex.Message);
    }
}
