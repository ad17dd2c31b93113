package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.data.Encoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMax;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMin;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The valid region of the encoded input space around a clean row: the epsilon ball, the schema's
 * range of every dimension, the immutable features, integer steps and one-hot groups.
 *
 * <p>Attacks move through a <em>relaxed</em> space (continuous values in the ball and the range,
 * immutable dimensions pinned) and evaluate only <em>valid</em> points, obtained by
 * {@link #project}: after clipping to the ball and the range,
 * <ul>
 *   <li>an integer or ordinal dimension is rounded towards its clean value to a whole number of
 *       its step (rounding towards the clean value can only shrink the perturbation, so the point
 *       stays in the ball and the range);</li>
 *   <li>a one-hot group is snapped to its largest dimension; the change of category is kept only
 *       when the whole row is still inside the ball (a category change costs 1 under L-infinity and
 *       {@code sqrt 2} under L2), otherwise the group keeps its clean category.</li>
 * </ul>
 * A valid point therefore satisfies every constraint exactly, which {@link #violation} checks.
 */
public final class InputSpace {
  private static final double TOL = 1e-9;

  private final int width;
  private final double[] lower;
  private final double[] upper;
  private final boolean[] mutable;
  private final double[] step;
  private final int[] group;
  private final List<int[]> groups;
  private final List<String> names;
  private final boolean allMutable;
  private final boolean discrete;
  private final Map<DataType, INDArray[]> rows = new LinkedHashMap<>();

  private InputSpace(double[] lower, double[] upper, boolean[] mutable, double[] step, int[] group, List<String> names) {
    this.width = lower.length;
    this.lower = lower;
    this.upper = upper;
    this.mutable = mutable;
    this.step = step;
    this.group = group;
    this.names = List.copyOf(names);
    Map<Integer, List<Integer>> byGroup = new LinkedHashMap<>();
    boolean all = true;
    boolean disc = false;
    for (int d = 0; d < width; d++) {
      all &= mutable[d];
      if (group[d] >= 0) {
        byGroup.computeIfAbsent(group[d], k -> new ArrayList<>()).add(d);
      }
      disc |= mutable[d] && (group[d] >= 0 || step[d] > 0);
    }
    this.groups = new ArrayList<>();
    for (List<Integer> g : byGroup.values()) {
      groups.add(g.stream().mapToInt(Integer::intValue).toArray());
    }
    this.allMutable = all;
    this.discrete = disc;
  }

  /** The space an encoder describes. */
  public static InputSpace of(Encoder encoder) {
    List<Encoder.Dim> dims = encoder.dims();
    int w = dims.size();
    double[] lo = new double[w];
    double[] hi = new double[w];
    boolean[] mut = new boolean[w];
    double[] st = new double[w];
    int[] gr = new int[w];
    List<String> names = new ArrayList<>();
    for (Encoder.Dim d : dims) {
      lo[d.index()] = d.lower();
      hi[d.index()] = d.upper();
      mut[d.index()] = d.mutable();
      st[d.index()] = d.group() >= 0 ? 0 : d.step();
      gr[d.index()] = d.group();
      names.add(d.name());
    }
    return new InputSpace(lo, hi, mut, st, gr, names);
  }

  /** A continuous space of {@code width} mutable dimensions inside {@code [lower, upper]} (e.g. pixels). */
  public static InputSpace box(int width, double lower, double upper) {
    double[] lo = new double[width];
    double[] hi = new double[width];
    java.util.Arrays.fill(lo, lower);
    java.util.Arrays.fill(hi, upper);
    boolean[] mut = new boolean[width];
    java.util.Arrays.fill(mut, true);
    List<String> names = new ArrayList<>();
    for (int d = 0; d < width; d++) {
      names.add("x" + d);
    }
    return new InputSpace(lo, hi, mut, new double[width], filled(width, -1), names);
  }

  /** A continuous space with a range and a mutability per dimension (names {@code x0, x1, ...}). */
  static InputSpace continuous(double[] lower, double[] upper, boolean[] mutable) {
    List<String> names = new ArrayList<>();
    for (int d = 0; d < lower.length; d++) {
      names.add("x" + d);
    }
    return new InputSpace(lower.clone(), upper.clone(), mutable.clone(), new double[lower.length], filled(lower.length, -1), names);
  }

  private static int[] filled(int n, int v) {
    int[] a = new int[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  public int width() {
    return width;
  }

  public boolean mutable(int d) {
    return mutable[d];
  }

  public double lower(int d) {
    return lower[d];
  }

  public double upper(int d) {
    return upper[d];
  }

  /** The encoded size of one unit of an integer or ordinal dimension, or 0. */
  public double step(int d) {
    return step[d];
  }

  /** The one-hot group of a dimension, or -1. */
  public int group(int d) {
    return group[d];
  }

  public String name(int d) {
    return names.get(d);
  }

  /** Whether some mutable dimension is integer or one-hot (valid points need rounding). */
  public boolean discrete() {
    return discrete;
  }

  /** How many dimensions an attack may change. */
  public int mutableCount() {
    int n = 0;
    for (boolean m : mutable) {
      n += m ? 1 : 0;
    }
    return n;
  }

  /**
   * The smallest change a valid perturbation can make to one mutable dimension, in the norm's units:
   * 0 for a continuous dimension, its step for an integer or ordinal one, the cost of a category
   * change (1 under L-infinity, sqrt 2 under L2) for a one-hot group; +inf when nothing is mutable.
   */
  public double smallestChange(Norm norm) {
    double min = Double.POSITIVE_INFINITY;
    for (int d = 0; d < width; d++) {
      if (!mutable[d] || !(upper[d] > lower[d])) {
        continue;
      }
      min = Math.min(min, group[d] >= 0 ? (norm == Norm.LINF ? 1 : Math.sqrt(2)) : step[d]);
    }
    return min;
  }

  /**
   * Whether the {@code eps} ball around {@code x0} holds any valid point other than {@code x0}: some
   * mutable continuous dimension with room in its range, a whole step of an integer dimension that
   * fits in the ball and the range, or a category change that fits in the ball.
   */
  public boolean canMove(double[] x0, double eps, Norm norm) {
    if (!(eps > 0)) {
      return false;
    }
    double limit = eps * (1 + TOL) + TOL;
    for (int d = 0; d < width; d++) {
      if (!mutable[d]) {
        continue;
      }
      if (group[d] >= 0) {
        if ((norm == Norm.LINF ? 1 : Math.sqrt(2)) <= limit && x0[d] < 0.5) {
          return true; // another category of the group to switch to
        }
      } else if (step[d] > 0) {
        if (step[d] <= limit && (x0[d] + step[d] <= upper[d] + TOL || x0[d] - step[d] >= lower[d] - TOL)) {
          return true;
        }
      } else if (x0[d] < upper[d] || x0[d] > lower[d]) {
        return true;
      }
    }
    return false;
  }

  /**
   * Projects {@code x} in place to the valid point nearest in spirit to it: immutable dimensions
   * back to {@code x0}, into the {@code eps} ball around {@code x0}, into the range, then integer
   * and one-hot dimensions rounded as the class comment says. {@code x0} must itself be valid.
   */
  public void project(double[] x, double[] x0, double eps, Norm norm) {
    relax(x, x0, eps, norm);
    if (discrete) {
      discretize(x, x0, eps, norm);
    }
  }

  /** The relaxed projection only: immutable dimensions, ball and range (no rounding). */
  void relax(double[] x, double[] x0, double eps, Norm norm) {
    double sq = 0;
    for (int d = 0; d < width; d++) {
      double delta = mutable[d] ? x[d] - x0[d] : 0;
      if (norm == Norm.LINF) {
        delta = Math.max(-eps, Math.min(eps, delta));
      }
      x[d] = delta;
      sq += delta * delta;
    }
    double scale = norm == Norm.L2 && sq > eps * eps ? eps / Math.sqrt(sq) : 1;
    for (int d = 0; d < width; d++) {
      double v = x0[d] + x[d] * scale;
      x[d] = mutable[d] ? Math.max(lower[d], Math.min(upper[d], v)) : x0[d];
    }
  }

  private void discretize(double[] x, double[] x0, double eps, Norm norm) {
    for (int d = 0; d < width; d++) {
      if (mutable[d] && group[d] < 0 && step[d] > 0) {
        double k = (x[d] - x0[d]) / step[d];
        double whole = k >= 0 ? Math.floor(k + TOL) : Math.ceil(k - TOL);
        x[d] = whole == 0 ? x0[d] : x0[d] + whole * step[d];
        if (x[d] < lower[d] || x[d] > upper[d]) {
          x[d] = x0[d] + (whole - Math.signum(whole)) * step[d];
        }
      }
    }
    for (int[] g : groups) {
      if (!mutable[g[0]]) {
        continue;
      }
      int orig = argmax(x0, g);
      int best = orig;
      for (int d : g) {
        if (x[d] > x[best] + TOL) {
          best = d;
        }
      }
      for (int d : g) {
        x[d] = x0[d];
      }
      if (best != orig) {
        x[orig] = 0;
        x[best] = 1;
        if (norm.distance(x, x0) > eps * (1 + TOL) + TOL) {
          x[orig] = x0[orig];
          x[best] = x0[best];
        }
      }
    }
  }

  private static int argmax(double[] v, int[] g) {
    int best = g[0];
    for (int d : g) {
      if (v[d] > v[best]) {
        best = d;
      }
    }
    return best;
  }

  /**
   * Why {@code x} is not a valid perturbation of {@code x0} within {@code eps}, or null when it is:
   * outside the ball, outside the range, an immutable dimension changed, an integer dimension off its
   * grid, or a one-hot group that is not one-hot.
   */
  public String violation(double[] x, double[] x0, double eps, Norm norm) {
    double size = norm.distance(x, x0);
    if (size > eps * (1 + 1e-6) + 1e-9) {
      return "perturbation of size " + size + " exceeds eps " + eps + " (" + norm.label() + ")";
    }
    for (int d = 0; d < width; d++) {
      if (!Double.isFinite(x[d])) {
        return names.get(d) + " is " + x[d];
      }
      if (!mutable[d] && x[d] != x0[d]) {
        return "immutable " + names.get(d) + " changed from " + x0[d] + " to " + x[d];
      }
      if (x[d] < lower[d] - 1e-9 || x[d] > upper[d] + 1e-9) {
        return names.get(d) + " = " + x[d] + " is outside [" + lower[d] + ", " + upper[d] + "]";
      }
      if (group[d] < 0 && step[d] > 0) {
        double k = (x[d] - x0[d]) / step[d];
        if (Math.abs(k - Math.rint(k)) > 1e-6) {
          return names.get(d) + " moved by " + k + " steps, not a whole number";
        }
      }
    }
    for (int[] g : groups) {
      int ones = 0;
      for (int d : g) {
        if (x[d] == 1) {
          ones++;
        } else if (x[d] != 0) {
          return "one-hot " + names.get(d) + " = " + x[d];
        }
      }
      if (ones != 1) {
        return "one-hot group of " + names.get(g[0]) + " has " + ones + " ones";
      }
    }
    return null;
  }

  // ---- relaxed projection on ND4J arrays, in place ----

  private synchronized INDArray[] rowsFor(DataType dt) {
    return rows.computeIfAbsent(dt, t -> {
      INDArray lo = Nd4j.create(lower, new long[] {1, width}, DataType.DOUBLE).castTo(t);
      INDArray hi = Nd4j.create(upper, new long[] {1, width}, DataType.DOUBLE).castTo(t);
      double[] m = new double[width];
      for (int d = 0; d < width; d++) {
        m[d] = mutable[d] ? 1 : 0;
      }
      INDArray mask = Nd4j.create(m, new long[] {1, width}, DataType.DOUBLE).castTo(t);
      return new INDArray[] {lo, hi, mask};
    });
  }

  private FusedSteps.Bounds bounds;

  /** The per-column mask and range for {@link FusedSteps}, made once. */
  synchronized FusedSteps.Bounds bounds() {
    if (bounds == null) {
      bounds = FusedSteps.Bounds.of(this);
    }
    return bounds;
  }

  /** Zeroes the immutable dimensions of a direction (a gradient), in place. */
  void maskInPlace(INDArray direction) {
    if (!allMutable) {
      direction.muliRowVector(rowsFor(direction.dataType())[2]);
    }
  }

  /**
   * The relaxed projection on a batch, in place: {@code x} into the ball of radius {@code eps[i]}
   * (an {@code n x 1} column) around {@code x0}, immutable dimensions pinned, then into the range.
   * {@code x0} is not modified.
   */
  void relaxInPlace(INDArray x, INDArray x0, INDArray epsColumn, Norm norm) {
    x.subi(x0);
    maskInPlace(x);
    if (norm == Norm.LINF) {
      double lo = epsColumn.minNumber().doubleValue();
      double hi = epsColumn.maxNumber().doubleValue();
      if (lo == hi) { // one radius for the batch: two scalar clips, no broadcast
        Transforms.min(x, hi, false);
        Transforms.max(x, -hi, false);
      } else {
        x.diviColumnVector(epsColumn);
        Transforms.min(x, 1.0, false);
        Transforms.max(x, -1.0, false);
        x.muliColumnVector(epsColumn);
      }
    } else {
      INDArray norms = x.norm2(1).reshape(x.rows(), 1);
      INDArray factor = Transforms.min(epsColumn.div(Transforms.max(norms, 1e-12, false)), 1.0, false);
      x.muliColumnVector(factor);
    }
    x.addi(x0);
    clipToRange(x);
  }

  /** Clips a batch into the range of every dimension, in place. */
  void clipToRange(INDArray x) {
    double lo = lower[0];
    double hi = upper[0];
    boolean uniform = true;
    for (int d = 0; d < width; d++) {
      uniform &= lower[d] == lo && upper[d] == hi;
    }
    if (uniform) {
      if (hi < Double.POSITIVE_INFINITY) {
        Transforms.min(x, hi, false);
      }
      if (lo > Double.NEGATIVE_INFINITY) {
        Transforms.max(x, lo, false);
      }
      return;
    }
    INDArray[] r = rowsFor(x.dataType());
    Nd4j.exec(new BroadcastMax(x, r[0], x, 1));
    Nd4j.exec(new BroadcastMin(x, r[1], x, 1));
  }
}
