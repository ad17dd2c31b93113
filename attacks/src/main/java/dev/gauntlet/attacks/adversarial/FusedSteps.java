package dev.gauntlet.attacks.adversarial;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise part of an L-inf FGSM or PGD step in one pass over the batch: sign of the
 * gradient, step, projection into the eps ball, immutable dimensions pinned, clipping to the
 * range. The ND4J sequence it replaces (mask, sign, scale, add, subtract, clip, add, clip) reads and
 * writes the whole batch eight or nine times; this reads {@code x}, {@code x0} and {@code g} once
 * and writes {@code x} once, on the arrays' own off-heap buffers (no temporaries), rows split over
 * the cores.
 *
 * <p>The arithmetic is the sequence's, operation by operation in the arrays' data type (IEEE
 * single or double, no fused multiply-add), so results are bit-identical to it;
 * {@code FusedStepsTest} checks that against the ND4J path. {@link #applies} says when the arrays
 * allow it (dense, row-major, not views, float or double); otherwise callers use the ND4J path.
 * Public only for benchmarks ({@link #fgsmBox}, {@link #pgdBox}); attacks call it internally.
 */
public final class FusedSteps {
  private FusedSteps() {}

  /** Rows per task below which the pass runs on the caller's thread only. */
  private static final int SERIAL_ELEMENTS = 1 << 16;

  /** Whether every array is a whole dense row-major float or double buffer of the same type and shape. */
  static boolean applies(INDArray... arrays) {
    DataType dt = arrays[0].dataType();
    if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
      return false;
    }
    for (INDArray a : arrays) {
      if (a.dataType() != dt || a.rank() != 2 || a.ordering() != 'c' || a.isView() || a.offset() != 0
          || a.length() > Integer.MAX_VALUE || a.data().length() < a.length()
          || a.rows() != arrays[0].rows() || a.columns() != arrays[0].columns()) {
        return false;
      }
    }
    return true;
  }

  /** The per-column constants of a space in one data type. */
  record Bounds(boolean[] mutable, double[] lower, double[] upper) {
    static Bounds of(InputSpace space) {
      int w = space.width();
      boolean[] m = new boolean[w];
      double[] lo = new double[w];
      double[] hi = new double[w];
      for (int j = 0; j < w; j++) {
        m[j] = space.mutable(j);
        lo[j] = space.lower(j);
        hi[j] = space.upper(j);
      }
      return new Bounds(m, lo, hi);
    }
  }

  /**
   * FGSM under L-inf: {@code x = clip(x0 + step_i sign(g))} into the range, immutable dimensions
   * kept at {@code x0} (then clipped), {@code step_i} the row's signed step.
   */
  static void fgsm(INDArray x, INDArray x0, INDArray g, double[] step, Bounds b) {
    run(x, x0, g, step, null, b, false);
  }

  /**
   * One PGD step under L-inf, in place: {@code x += alpha_i sign(g)} (immutable dimensions not
   * moved), then {@code x - x0} clipped to {@code [-eps_i, eps_i]} (as {@code (x - x0) / eps_i}
   * clipped to [-1, 1] times {@code eps_i} when the rows' radii differ, as the ND4J path does),
   * immutable dimensions back to {@code x0}, and the range. {@code alpha_i} is 0 for frozen rows.
   */
  static void pgdLinf(INDArray x, INDArray x0, INDArray g, double[] alpha, double[] eps, boolean uniformEps, Bounds b) {
    run(x, x0, g, alpha, eps, b, uniformEps);
  }

  /**
   * FGSM's element-wise part on a box {@code [lo, hi]}, all dimensions mutable:
   * {@code out = clip(x0 + eps sign(g), lo, hi)}, for benchmarks.
   *
   * @throws IllegalArgumentException when the arrays are not whole dense row-major float or double buffers of one shape
   */
  public static void fgsmBox(INDArray out, INDArray x0, INDArray g, double eps, double lo, double hi) {
    requireFlat(out, x0, g);
    double[] step = new double[(int) out.rows()];
    java.util.Arrays.fill(step, eps);
    fgsm(out, x0, g, step, box((int) out.columns(), lo, hi));
  }

  /**
   * One PGD step's element-wise part on a box, in place: {@code x} moved by {@code alpha sign(g)}, into
   * the ball of radius {@code eps} around {@code x0}, into {@code [lo, hi]}, for benchmarks.
   *
   * @throws IllegalArgumentException as {@link #fgsmBox}
   */
  public static void pgdBox(INDArray x, INDArray x0, INDArray g, double alpha, double eps, double lo, double hi) {
    requireFlat(x, x0, g);
    int n = (int) x.rows();
    double[] a = new double[n];
    double[] e = new double[n];
    java.util.Arrays.fill(a, alpha);
    java.util.Arrays.fill(e, eps);
    pgdLinf(x, x0, g, a, e, true, box((int) x.columns(), lo, hi));
  }

  private static void requireFlat(INDArray... arrays) {
    if (!applies(arrays)) {
      throw new IllegalArgumentException("fused steps need whole dense row-major float or double arrays of one shape");
    }
  }

  private static Bounds box(int w, double lo, double hi) {
    boolean[] m = new boolean[w];
    double[] l = new double[w];
    double[] h = new double[w];
    java.util.Arrays.fill(m, true);
    java.util.Arrays.fill(l, lo);
    java.util.Arrays.fill(h, hi);
    return new Bounds(m, l, h);
  }

  private static void run(INDArray x, INDArray x0, INDArray g, double[] step, double[] eps, Bounds b, boolean uniformEps) {
    int n = (int) x.rows();
    int d = (int) x.columns();
    int parts = n * (long) d < SERIAL_ELEMENTS ? 1 : Math.min(n, Runtime.getRuntime().availableProcessors());
    if (x.dataType() == DataType.FLOAT) {
      FloatBuffer xb = x.data().asNioFloat();
      FloatBuffer x0b = x0.data().asNioFloat();
      FloatBuffer gb = g.data().asNioFloat();
      float[] lo = new float[d];
      float[] hi = new float[d];
      for (int j = 0; j < d; j++) {
        lo[j] = (float) b.lower()[j];
        hi[j] = (float) b.upper()[j];
      }
      float[] st = new float[n];
      float[] ep = eps == null ? null : new float[n];
      for (int i = 0; i < n; i++) {
        st[i] = (float) step[i];
        if (ep != null) {
          ep[i] = (float) eps[i];
        }
      }
      forParts(parts, n, (r0, r1) -> floatRows(xb, x0b, gb, st, ep, uniformEps, lo, hi, b.mutable(), d, r0, r1));
    } else {
      DoubleBuffer xb = x.data().asNioDouble();
      DoubleBuffer x0b = x0.data().asNioDouble();
      DoubleBuffer gb = g.data().asNioDouble();
      forParts(parts, n, (r0, r1) -> doubleRows(xb, x0b, gb, step, eps, uniformEps, b.lower(), b.upper(), b.mutable(), d, r0, r1));
    }
  }

  private interface Rows {
    void run(int from, int to);
  }

  private static void forParts(int parts, int n, Rows body) {
    if (parts <= 1) {
      body.run(0, n);
      return;
    }
    IntStream.range(0, parts).parallel().forEach(p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
  }

  // Rows are copied into small heap arrays with bulk gets (one row of each operand stays in L1) and
  // the inner loops are branch-free so that C2 vectorises them: sign(g) is min(max(g K K, -1), 1)
  // with K = 2^100 (2^600 in double), exactly +-1 for every non-zero g (the smallest subnormal times
  // K^2 exceeds 1, a large g becomes +-inf and clips) and +-0 for +-0, NaN for NaN, as ND4J's sign;
  // the clips are Math.min / max. Immutable columns are fixed afterwards by a short loop over them
  // only. A branch on the sign costs a misprediction per element on a random-signed gradient.

  private static final float KF = 0x1p100f;
  private static final double KD = 0x1p600;

  private static int[] immutable(boolean[] mut) {
    int c = 0;
    for (boolean m : mut) {
      c += m ? 0 : 1;
    }
    int[] out = new int[c];
    for (int j = 0, k = 0; j < mut.length; j++) {
      if (!mut[j]) {
        out[k++] = j;
      }
    }
    return out;
  }

  private static void floatRows(FloatBuffer xb, FloatBuffer x0b, FloatBuffer gb, float[] step, float[] eps, boolean uniformEps,
      float[] lo, float[] hi, boolean[] mut, int d, int r0, int r1) {
    float[] gr = new float[d];
    float[] cr = new float[d];
    float[] xr = new float[d];
    int[] fixed = immutable(mut);
    for (int i = r0; i < r1; i++) {
      float a = step[i];
      int base = i * d;
      gb.get(base, gr);
      x0b.get(base, cr);
      if (eps == null) { // FGSM: x0 + a sign(g), then the range
        for (int j = 0; j < d; j++) {
          float s = Math.max(Math.min(gr[j] * KF * KF, 1f), -1f);
          xr[j] = Math.max(Math.min(cr[j] + s * a, hi[j]), lo[j]);
        }
      } else {
        xb.get(base, xr);
        float e = eps[i];
        float ne = -e;
        if (uniformEps) {
          for (int j = 0; j < d; j++) {
            float s = Math.max(Math.min(gr[j] * KF * KF, 1f), -1f);
            float t = Math.max(Math.min((xr[j] + s * a) - cr[j], e), ne);
            xr[j] = Math.max(Math.min(t + cr[j], hi[j]), lo[j]);
          }
        } else {
          for (int j = 0; j < d; j++) {
            float s = Math.max(Math.min(gr[j] * KF * KF, 1f), -1f);
            float t = Math.max(Math.min(((xr[j] + s * a) - cr[j]) / e, 1f), -1f) * e;
            xr[j] = Math.max(Math.min(t + cr[j], hi[j]), lo[j]);
          }
        }
      }
      for (int j : fixed) {
        xr[j] = Math.max(Math.min(cr[j], hi[j]), lo[j]);
      }
      xb.put(base, xr);
    }
  }

  private static void doubleRows(DoubleBuffer xb, DoubleBuffer x0b, DoubleBuffer gb, double[] step, double[] eps, boolean uniformEps,
      double[] lo, double[] hi, boolean[] mut, int d, int r0, int r1) {
    double[] gr = new double[d];
    double[] cr = new double[d];
    double[] xr = new double[d];
    int[] fixed = immutable(mut);
    for (int i = r0; i < r1; i++) {
      double a = step[i];
      int base = i * d;
      gb.get(base, gr);
      x0b.get(base, cr);
      if (eps == null) {
        for (int j = 0; j < d; j++) {
          double s = Math.max(Math.min(gr[j] * KD * KD, 1), -1);
          xr[j] = Math.max(Math.min(cr[j] + s * a, hi[j]), lo[j]);
        }
      } else {
        xb.get(base, xr);
        double e = eps[i];
        double ne = -e;
        if (uniformEps) {
          for (int j = 0; j < d; j++) {
            double s = Math.max(Math.min(gr[j] * KD * KD, 1), -1);
            double t = Math.max(Math.min((xr[j] + s * a) - cr[j], e), ne);
            xr[j] = Math.max(Math.min(t + cr[j], hi[j]), lo[j]);
          }
        } else {
          for (int j = 0; j < d; j++) {
            double s = Math.max(Math.min(gr[j] * KD * KD, 1), -1);
            double t = Math.max(Math.min(((xr[j] + s * a) - cr[j]) / e, 1), -1) * e;
            xr[j] = Math.max(Math.min(t + cr[j], hi[j]), lo[j]);
          }
        }
      }
      for (int j : fixed) {
        xr[j] = Math.max(Math.min(cr[j], hi[j]), lo[j]);
      }
      xb.put(base, xr);
    }
  }
}
