using System.Numerics.Tensors;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NasPS.Compute.Autograd;
using NasPS.Compute.Kernels;

namespace NasPS.Compute;

public static partial class Ops
{
    private static (int N, int C, int H, int W, int OH, int OW) PoolGeometry<T>(string op, Tensor<T> x, int kernel, int stride, int padding)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shapes.RequireRank(op, x, 4, "[N, C, H, W]");
        if (kernel <= 0 || stride <= 0 || padding < 0)
            throw new ArgumentException($"{op}: kernel {kernel}, stride {stride} and padding {padding} must be positive (padding ≥ 0).");
        if (2 * padding > kernel)
            throw new ArgumentException($"{op}: padding {padding} must be at most half the kernel {kernel}.");
        int h = x.Size(2), w = x.Size(3);
        int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
        if (oh <= 0 || ow <= 0) throw new ArgumentException($"{op}: kernel {kernel} does not fit input {Shapes.Format(x.Shape)} with padding {padding}.");
        return (x.Size(0), x.Size(1), h, w, oh, ow);
    }

    /// <summary>Average pooling (floor mode). With <paramref name="countIncludePad"/> false, border windows divide by
    /// the number of in-image pixels, as PyTorch's AvgPool2d(count_include_pad=False).</summary>
    public static Tensor<T> AvgPool2d<T>(Tensor<T> x, int kernel, int stride, int padding = 0, bool countIncludePad = true)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (n, c, h, w, oh, ow) = PoolGeometry("avg_pool2d", x, kernel, stride, padding);
        // Window extents clipped to the image, and each output's divisor; shared by every plane and the backward pass.
        var rows = PoolWindows(h, oh, kernel, stride, padding);
        var cols = PoolWindows(w, ow, kernel, stride, padding);
        var divisors = PoolDivisors<T>(rows, cols, countIncludePad);

        // Stride 1: the columns (rows) whose window lies wholly inside the image, [p, size − kernel + p], sum shifted
        // slices by vectors, tap by tap as the scalar loop does, so results are the same. When rows are not
        // narrowed (ow = w), the interior columns of all rows go in one pass over the plane; the border columns it
        // also writes (reading across rows) are rewritten by the scalar loop.
        int interiorFirst = stride == 1 ? Math.Min(padding, ow) : ow;
        int interiorEnd = stride == 1 ? Math.Clamp(w - kernel + padding + 1, interiorFirst, ow) : ow;
        int rowFirst = stride == 1 ? Math.Min(padding, oh) : oh;
        int rowEnd = stride == 1 ? Math.Clamp(h - kernel + padding + 1, rowFirst, oh) : oh;
        bool hasInterior = interiorEnd > interiorFirst, wholePlane = hasInterior && ow == w;
        bool threeByOne = wholePlane && kernel == 3 && stride == 1 && padding == 1 && w >= 3;
        var y = Tensors.Empty<T>(n, c, oh, ow);
        if (kernel == 2 && stride == 2 && padding == 0)
            Parallelism.For(n * c, plane => AvgPool2x2Plane(x.ReadOnlySpan.Slice(plane * h * w, h * w), h, w, y.Span.Slice(plane * oh * ow, oh * ow)));
        else if (kernel == 3 && stride == 1 && padding == 1)
        {
            // Planes in blocks of about 16K elements: one work item per 8×8 plane would cost more than the plane.
            int planes = n * c, perBlock = Math.Max(1, 16384 / (h * w)), blocks = (planes + perBlock - 1) / perBlock;
            Parallelism.For(blocks, block => AvgPool3x3Same(x.ReadOnlySpan, h, w, divisors, y.Span,
                block * perBlock, Math.Min(planes, (block + 1) * perBlock)));
        }
        else
        {
            // Separable: sum each input row over the column windows, then those sums over the row windows.
            Parallelism.For(n * c, plane =>
            {
                var rowSums = System.Buffers.ArrayPool<T>.Shared.Rent(h * ow);
                var xs = x.ReadOnlySpan.Slice(plane * h * w, h * w);
                if (wholePlane)
                {
                    SumShifted(xs, 0, 1, kernel, rowSums.AsSpan(padding, h * w - (kernel - 1)));
                }
                for (int a = 0; a < h; a++)
                {
                    var input = xs.Slice(a * w, w);
                    var sums = rowSums.AsSpan(a * ow, ow);
                    if (threeByOne)
                    {
                        // The NB201 pool (3×3, stride 1, padding 1): each border window holds two pixels; the same sums as the
                        // loop below (0 + a + b), without its per-column bookkeeping, which was a quarter of the pool's time.
                        sums[0] = input[0] + input[1];
                        sums[w - 1] = input[w - 2] + input[w - 1];
                        continue;
                    }
                    if (hasInterior && !wholePlane)
                    {
                        SumShifted(input, interiorFirst - padding, 1, kernel, sums[interiorFirst..interiorEnd]);
                    }
                    for (int j = 0; j < ow; j++)
                    {
                        if (j == interiorFirst && hasInterior)
                        {
                            j = interiorEnd - 1;
                            continue;
                        }
                        T sum = T.Zero;
                        for (int b = cols[j].Start; b < cols[j].End; b++) sum += input[b];
                        sums[j] = sum;
                    }
                }
                var ys = y.Span.Slice(plane * oh * ow, oh * ow);
                if (rowEnd > rowFirst)
                {
                    SumShifted(rowSums.AsSpan(0, h * ow), (rowFirst - padding) * ow, ow, kernel, ys.Slice(rowFirst * ow, (rowEnd - rowFirst) * ow));
                }
                for (int i = 0; i < oh; i++)
                {
                    if (i == rowFirst && rowEnd > rowFirst)
                    {
                        i = rowEnd - 1;
                        continue;
                    }
                    var output = ys.Slice(i * ow, ow);
                    output.Clear();
                    for (int a = rows[i].Start; a < rows[i].End; a++)
                        TensorPrimitives.Add(output, rowSums.AsSpan(a * ow, ow), output);
                }
                TensorPrimitives.Divide(ys, divisors, ys);
                System.Buffers.ArrayPool<T>.Shared.Return(rowSums);
            });
        }
        return Graph.Record(y, "avg_pool2d", [x], dy =>
        {
            var dx = Tensors.Empty<T>(x.ShapeArray);
            Parallelism.For(n * c, plane =>
            {
                // Transpose of the forward: spread each share over its row window, then over its column window.
                // Whole rows at a time; every element still receives its shares in the scalar order (ascending output
                // row, then ascending output column), so the sums are the same bit for bit.
                var rowShares = System.Buffers.ArrayPool<T>.Shared.Rent(h * ow);
                var shares = System.Buffers.ArrayPool<T>.Shared.Rent(oh * ow);
                Array.Clear(rowShares, 0, h * ow);
                TensorPrimitives.Divide(dy.ReadOnlySpan.Slice(plane * oh * ow, oh * ow), divisors, shares.AsSpan(0, oh * ow));
                for (int i = 0; i < oh; i++)
                {
                    var share = shares.AsSpan(i * ow, ow);
                    for (int a = rows[i].Start; a < rows[i].End; a++)
                        TensorPrimitives.Add(rowShares.AsSpan(a * ow, ow), share, rowShares.AsSpan(a * ow, ow));
                }
                var dxs = dx.Span.Slice(plane * h * w, h * w);
                dxs.Clear();
                for (int a = 0; a < h; a++)
                {
                    var rowShare = rowShares.AsSpan(a * ow, ow);
                    var target = dxs.Slice(a * w, w);
                    if (stride == 1)
                    {
                        // Column j's window is [j − padding, j − padding + kernel) ∩ [0, w): pixel b takes the shares of
                        // j = b + offset for offset in (padding − kernel, padding], ascending j.
                        for (int offset = padding - kernel + 1; offset <= padding; offset++)
                        {
                            int first = Math.Max(0, -offset), end = Math.Min(w, ow - offset);
                            if (end > first)
                                TensorPrimitives.Add(target[first..end], rowShare.Slice(first + offset, end - first), target[first..end]);
                        }
                        continue;
                    }
                    for (int j = 0; j < ow; j++)
                    for (int b = cols[j].Start; b < cols[j].End; b++) target[b] += rowShare[j];
                }
                System.Buffers.ArrayPool<T>.Shared.Return(shares);
                System.Buffers.ArrayPool<T>.Shared.Return(rowShares);
            });
            return [dx];
        });
    }

    /// <summary>
    /// Planes [first, end) of the 3×3, stride 1, padding 1 average pool (NAS-Bench-201's avg_pool_3x3). The separable
    /// loop's sums, tap by tap in the same order: each row summed over its column windows (the whole plane in one
    /// vector pass over shifted reads; the border columns, whose reads crossed into the neighbouring row, then
    /// rewritten), three of those rows per output row, divided by <paramref name="divisors"/>. A dozen calls per plane
    /// took the separable loop's time on 8×8 planes.
    /// </summary>
    private static void AvgPool3x3Same<T>(ReadOnlySpan<T> x, int h, int w, ReadOnlySpan<T> divisors, Span<T> y, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = h * w;
        var rented = System.Buffers.ArrayPool<T>.Shared.Rent(plane);
        for (int p = first; p < end; p++)
            AvgPool3x3Plane(x.Slice(p * plane, plane), h, w, divisors, y.Slice(p * plane, plane), rented.AsSpan(0, plane));
        System.Buffers.ArrayPool<T>.Shared.Return(rented);
    }

    /// <summary>One plane of <see cref="AvgPool3x3Same{T}"/>; <paramref name="rowSums"/> is h·w of scratch.</summary>
    internal static void AvgPool3x3Plane<T>(ReadOnlySpan<T> xs, int h, int w, ReadOnlySpan<T> divisors, Span<T> ys, Span<T> rowSums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = h * w, last = (h - 1) * w;
        // 512-bit vectors for rows at least that wide, else Vector<T> (8×8 planes: one 256-bit vector per row). Each
        // vector loop ends with one vector flush with the range's end, overlapping the one before: the overlap recomputes
        // the same values.
        bool wide = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && w >= Vector512<T>.Count;
        int lanes = wide ? Vector512<T>.Count : Vector.IsHardwareAccelerated && Vector<T>.IsSupported ? Vector<T>.Count : int.MaxValue;
        ref T d = ref MemoryMarshal.GetReference(divisors);
        ref T r = ref MemoryMarshal.GetReference(rowSums);
        ref T xr = ref MemoryMarshal.GetReference(xs);
        ref T yr = ref MemoryMarshal.GetReference(ys);
        // Row sums (x[t − 1] + x[t]) + x[t + 1] for t in [1, plane − 1), then the border columns (whose reads crossed rows).
        if (plane - 2 >= lanes)
            for (int t = 1; ; t = Math.Min(t + lanes, plane - 1 - lanes))
            {
                nuint at = (nuint)t;
                if (wide)
                    ((Vector512.LoadUnsafe(ref xr, at - 1) + Vector512.LoadUnsafe(ref xr, at)) + Vector512.LoadUnsafe(ref xr, at + 1)).StoreUnsafe(ref r, at);
                else
                    ((Vector.LoadUnsafe(ref xr, at - 1) + Vector.LoadUnsafe(ref xr, at)) + Vector.LoadUnsafe(ref xr, at + 1)).StoreUnsafe(ref r, at);
                if (t == plane - 1 - lanes) break;
            }
        else
            for (int t = 1; t < plane - 1; t++) rowSums[t] = (xs[t - 1] + xs[t]) + xs[t + 1];
        for (int a = 0; a < h; a++)
        {
            int row = a * w;
            if (w == 1)
            {
                rowSums[row] = xs[row];
                continue;
            }
            rowSums[row] = xs[row] + xs[row + 1];
            rowSums[row + w - 1] = xs[row + w - 2] + xs[row + w - 1];
        }
        // Output rows: the first and last add their two row sums to zero, as the separable loop does (one row sum when
        // h = 1); the rows between sum three, (R[i − 1] + R[i]) + R[i + 1], over one contiguous range.
        if (h > 1 && w >= lanes)
            for (int j = 0; ; j = Math.Min(j + lanes, w - lanes))
            {
                nuint top = (nuint)j, bottom = (nuint)(last + j);
                if (wide)
                {
                    ((Vector512<T>.Zero + Vector512.LoadUnsafe(ref r, top) + Vector512.LoadUnsafe(ref r, top + (nuint)w))
                        / Vector512.LoadUnsafe(ref d, top)).StoreUnsafe(ref yr, top);
                    ((Vector512<T>.Zero + Vector512.LoadUnsafe(ref r, bottom - (nuint)w) + Vector512.LoadUnsafe(ref r, bottom))
                        / Vector512.LoadUnsafe(ref d, bottom)).StoreUnsafe(ref yr, bottom);
                }
                else
                {
                    ((Vector<T>.Zero + Vector.LoadUnsafe(ref r, top) + Vector.LoadUnsafe(ref r, top + (nuint)w))
                        / Vector.LoadUnsafe(ref d, top)).StoreUnsafe(ref yr, top);
                    ((Vector<T>.Zero + Vector.LoadUnsafe(ref r, bottom - (nuint)w) + Vector.LoadUnsafe(ref r, bottom))
                        / Vector.LoadUnsafe(ref d, bottom)).StoreUnsafe(ref yr, bottom);
                }
                if (j == w - lanes) break;
            }
        else
            for (int j = 0; j < w; j++)
            {
                T top = T.Zero + rowSums[j];
                if (h > 1) top += rowSums[w + j];
                ys[j] = top / divisors[j];
                if (h > 1) ys[last + j] = (T.Zero + rowSums[last - w + j] + rowSums[last + j]) / divisors[last + j];
            }
        if (last - w >= lanes)
            for (int u = w; ; u = Math.Min(u + lanes, last - lanes))
            {
                nuint at = (nuint)u, up = (nuint)(u - w), down = (nuint)(u + w);
                if (wide)
                    (((Vector512.LoadUnsafe(ref r, up) + Vector512.LoadUnsafe(ref r, at)) + Vector512.LoadUnsafe(ref r, down))
                        / Vector512.LoadUnsafe(ref d, at)).StoreUnsafe(ref yr, at);
                else
                    (((Vector.LoadUnsafe(ref r, up) + Vector.LoadUnsafe(ref r, at)) + Vector.LoadUnsafe(ref r, down))
                        / Vector.LoadUnsafe(ref d, at)).StoreUnsafe(ref yr, at);
                if (u == last - lanes) break;
            }
        else
            for (int u = w; u < last; u++) ys[u] = ((rowSums[u - w] + rowSums[u]) + rowSums[u + w]) / divisors[u];
    }

    /// <summary>
    /// One plane of the 2×2, stride 2 average pool (the NAS-Bench-201 reduction shortcut): y = ((0 + r₀) + r₁) / 4 with
    /// rₐ = (0 + x[2i + a, 2j]) + x[2i + a, 2j + 1], the separable loop's sums in its order. The pairs are split into
    /// even and odd lanes by one permute of two vectors.
    /// </summary>
    private static void AvgPool2x2Plane<T>(ReadOnlySpan<T> xs, int h, int w, Span<T> ys) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int oh = h / 2, ow = w / 2;
        T four = T.CreateTruncating(4);
        for (int i = 0; i < oh; i++)
        {
            var top = xs.Slice(2 * i * w, w);
            var bottom = xs.Slice((2 * i + 1) * w, w);
            var output = ys.Slice(i * ow, ow);
            int j = 0;
            if (typeof(T) == typeof(float) && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
            {
                var even = System.Runtime.Intrinsics.Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
                var odd = even + System.Runtime.Intrinsics.Vector512<int>.One;
                var zero = System.Runtime.Intrinsics.Vector512<float>.Zero;
                var divisor = System.Runtime.Intrinsics.Vector512.Create(4f);
                var t = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(top);
                var b = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(bottom);
                var o = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(output);
                for (; j + 16 <= ow; j += 16)
                {
                    var t0 = System.Runtime.Intrinsics.Vector512.Create(t.Slice(2 * j, 16));
                    var t1 = System.Runtime.Intrinsics.Vector512.Create(t.Slice(2 * j + 16, 16));
                    var b0 = System.Runtime.Intrinsics.Vector512.Create(b.Slice(2 * j, 16));
                    var b1 = System.Runtime.Intrinsics.Vector512.Create(b.Slice(2 * j + 16, 16));
                    var rowTop = (zero + System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(t0, even, t1))
                        + System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(t0, odd, t1);
                    var rowBottom = (zero + System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(b0, even, b1))
                        + System.Runtime.Intrinsics.X86.Avx512F.PermuteVar16x32x2(b0, odd, b1);
                    System.Runtime.Intrinsics.Vector512.CopyTo(((zero + rowTop) + rowBottom) / divisor, o.Slice(j, 16));
                }
            }
            for (; j < ow; j++)
            {
                T rowTop = (T.Zero + top[2 * j]) + top[2 * j + 1], rowBottom = (T.Zero + bottom[2 * j]) + bottom[2 * j + 1];
                output[j] = ((T.Zero + rowTop) + rowBottom) / four;
            }
        }
    }

    /// <summary>Each output's divisor: the window's size counting padding, or only its in-image pixels.</summary>
    private static T[] PoolDivisors<T>((int Start, int End, int PaddedSize)[] rows, (int Start, int End, int PaddedSize)[] cols, bool countIncludePad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var divisors = new T[rows.Length * cols.Length];
        for (int i = 0; i < rows.Length; i++)
        for (int j = 0; j < cols.Length; j++)
            divisors[i * cols.Length + j] = T.CreateTruncating(countIncludePad
                ? rows[i].PaddedSize * cols[j].PaddedSize
                : (rows[i].End - rows[i].Start) * (cols[j].End - cols[j].Start));
        return divisors;
    }

    /// <summary>The divisors of avg_pool_3x3 (stride 1, padding 1) on h × w planes.</summary>
    internal static T[] AvgPool3x3Divisors<T>(int h, int w, bool countIncludePad) where T : unmanaged, IFloatingPointIeee754<T> =>
        PoolDivisors<T>(PoolWindows(h, h, 3, 1, 1), PoolWindows(w, w, 3, 1, 1), countIncludePad);

    /// <summary>destination = Σ_{d &lt; taps} source[start + d·step ..], tap by tap in order: the same sums, bit for bit, as
    /// clearing the destination and adding every tap (0 + a = a), in two fewer passes.</summary>
    private static void SumShifted<T>(ReadOnlySpan<T> source, int start, int step, int taps, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = destination.Length;
        if (taps == 1)
        {
            source.Slice(start, length).CopyTo(destination);
            return;
        }
        TensorPrimitives.Add(source.Slice(start, length), source.Slice(start + step, length), destination);
        for (int d = 2; d < taps; d++) TensorPrimitives.Add(destination, source.Slice(start + d * step, length), destination);
    }

    /// <summary>Per output index along one axis: the input range [Start, End) inside the image and the window size
    /// counting padding (clipped at the padded border, as PyTorch does).</summary>
    private static (int Start, int End, int PaddedSize)[] PoolWindows(int size, int outSize, int kernel, int stride, int padding)
    {
        var windows = new (int, int, int)[outSize];
        for (int i = 0; i < outSize; i++)
        {
            int start = i * stride - padding;
            int end = Math.Min(start + kernel, size + padding);
            windows[i] = (Math.Max(start, 0), Math.Min(end, size), end - start);
        }
        return windows;
    }

    /// <summary>Max pooling (floor mode, implicit −∞ padding). Ties go to the first maximum in row-major window order,
    /// and NaN wins, as in PyTorch's CPU kernel.</summary>
    public static Tensor<T> MaxPool2d<T>(Tensor<T> x, int kernel, int stride, int padding = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (n, c, h, w, oh, ow) = PoolGeometry("max_pool2d", x, kernel, stride, padding);
        var y = Tensors.Empty<T>(n, c, oh, ow);
        var argmax = new int[n * c * oh * ow]; // index within the input plane
        Parallelism.For(n * c, plane =>
        {
            var xs = x.ReadOnlySpan.Slice(plane * h * w, h * w);
            var ys = y.Span.Slice(plane * oh * ow, oh * ow);
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                int h0 = i * stride - padding, w0 = j * stride - padding;
                int best = -1;
                T bestValue = T.NegativeInfinity;
                for (int a = Math.Max(h0, 0); a < Math.Min(h0 + kernel, h); a++)
                for (int b = Math.Max(w0, 0); b < Math.Min(w0 + kernel, w); b++)
                {
                    T v = xs[a * w + b];
                    if (best < 0 || v > bestValue || T.IsNaN(v) && !T.IsNaN(bestValue))
                    {
                        bestValue = v;
                        best = a * w + b;
                    }
                }
                ys[i * ow + j] = bestValue;
                argmax[plane * oh * ow + i * ow + j] = best;
            }
        });
        return Graph.Record(y, "max_pool2d", [x], dy =>
        {
            var dx = Tensors.Zeros<T>(x.ShapeArray);
            Parallelism.For(n * c, plane =>
            {
                var dxs = dx.Span.Slice(plane * h * w, h * w);
                var g = dy.ReadOnlySpan.Slice(plane * oh * ow, oh * ow);
                for (int o = 0; o < g.Length; o++) dxs[argmax[plane * oh * ow + o]] += g[o];
            });
            return [dx];
        });
    }

    /// <summary>Adaptive average pooling to [outH, outW]: window i spans floor(i·H/outH) .. ceil((i+1)·H/outH), as PyTorch.
    /// (1, 1) is global average pooling.</summary>
    public static Tensor<T> AdaptiveAvgPool2d<T>(Tensor<T> x, int outH = 1, int outW = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shapes.RequireRank("adaptive_avg_pool2d", x, 4, "[N, C, H, W]");
        if (outH <= 0 || outW <= 0) throw new ArgumentException($"adaptive_avg_pool2d: output size ({outH}, {outW}) must be positive.");
        int n = x.Size(0), c = x.Size(1), h = x.Size(2), w = x.Size(3);
        var rows = new (int Start, int End)[outH];
        var cols = new (int Start, int End)[outW];
        for (int i = 0; i < outH; i++) rows[i] = (i * h / outH, ((i + 1) * h + outH - 1) / outH);
        for (int j = 0; j < outW; j++) cols[j] = (j * w / outW, ((j + 1) * w + outW - 1) / outW);
        var y = Tensors.Empty<T>(n, c, outH, outW);
        Parallelism.For(n * c, plane =>
        {
            var xs = x.ReadOnlySpan.Slice(plane * h * w, h * w);
            var ys = y.Span.Slice(plane * outH * outW, outH * outW);
            for (int i = 0; i < outH; i++)
            for (int j = 0; j < outW; j++)
            {
                T sum = T.Zero;
                for (int a = rows[i].Start; a < rows[i].End; a++)
                for (int b = cols[j].Start; b < cols[j].End; b++) sum += xs[a * w + b];
                ys[i * outW + j] = sum / T.CreateTruncating((rows[i].End - rows[i].Start) * (cols[j].End - cols[j].Start));
            }
        });
        return Graph.Record(y, "adaptive_avg_pool2d", [x], dy =>
        {
            var dx = Tensors.Zeros<T>(x.ShapeArray);
            Parallelism.For(n * c, plane =>
            {
                var dxs = dx.Span.Slice(plane * h * w, h * w);
                var g = dy.ReadOnlySpan.Slice(plane * outH * outW, outH * outW);
                for (int i = 0; i < outH; i++)
                for (int j = 0; j < outW; j++)
                {
                    T share = g[i * outW + j] / T.CreateTruncating((rows[i].End - rows[i].Start) * (cols[j].End - cols[j].Start));
                    for (int a = rows[i].Start; a < rows[i].End; a++)
                    for (int b = cols[j].Start; b < cols[j].End; b++) dxs[a * w + b] += share;
                }
            });
            return [dx];
        });
    }
}
