package dev.gauntlet.fairness.discover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.apache.commons.math3.special.Erf;

/**
 * The exact slice search: every conjunction of up to {@code depth} predicates (one value or bin of
 * each of distinct features) whose bad-row rate exceeds the whole's by more than {@code effect},
 * with at least {@code minSize} rows and a positive SliceLine score (Sagadeeva and Boehm, SIGMOD
 * 2021):
 *
 * <pre>
 *   sc(S) = alpha * ((se / |S|) / eAvg - 1) - (1 - alpha) * (n / |S| - 1)
 * </pre>
 *
 * <p>{@link #pruned} walks the lattice level by level as SliceLine does: a slice of level L is
 * generated only by joining two slices of level L-1 that share L-2 predicates, only when all L of
 * its parents survived, and it is evaluated only when its upper bounds (size, bad rows and max
 * error, each the minimum over its parents) leave room for a positive score and for the effect.
 * The score bound probes sizes {minSize, se/sm, ss} as SliceLine does. Rows are counted once per
 * combination of features that still has candidates; combinations without one are never scanned.
 * {@link #bruteForce} scans every combination and evaluates every cell; both return the same
 * candidates (the test of the pruning).
 *
 * <p>Each candidate carries a one-sided p-value for H0: rate(S) - rate(whole) &lt;= effect. Every
 * other slice of the lattice counts in the tested family with p = 1, so the family size {@link
 * Result#family()} is the number of conjunctions in the lattice, fixed before the data is seen.
 */
public final class SliceSearch {
  private SliceSearch() {}

  /** The largest depth of the lattice. */
  public static final int MAX_DEPTH = 4;
  /** The largest number of levels of one feature (codes are bytes; one more level holds missing values). */
  public static final int MAX_LEVELS = 120;

  /**
   * One feature as predicates: {@code codes[i]} is row i's level, or {@code levels.size()} when the
   * row has no value (it then belongs to no predicate of this feature).
   *
   * @param cuts the bin cut points of a numeric feature, or null for a categorical one
   */
  public record Feature(String name, byte[] codes, List<String> levels, double[] cuts) {
    public Feature {
      Objects.requireNonNull(name, "name");
      levels = List.copyOf(levels);
      if (levels.isEmpty() || levels.size() > MAX_LEVELS) {
        throw new IllegalArgumentException("feature '" + name + "' has " + levels.size() + " levels; 1 to " + MAX_LEVELS + " are searched");
      }
    }

    int radix() {
      return levels.size() + 1;
    }
  }

  /**
   * The rows to search (only the rows the rate is defined on, e.g. the negatives for FPR) and which
   * of them are bad (an error, a false positive, ...).
   */
  public record Problem(List<Feature> features, boolean[] bad, int[][][] index) {
    public Problem(List<Feature> features, boolean[] bad) {
      this(features, bad, new int[features.size()][][]);
    }

    public Problem {
      features = List.copyOf(features);
      for (Feature f : features) {
        if (f.codes().length != bad.length) {
          throw new IllegalArgumentException("feature '" + f.name() + "' has " + f.codes().length + " rows, the problem " + bad.length);
        }
      }
    }

    public int rows() {
      return bad.length;
    }

    /** The rows of each level of feature {@code f} (built on first use). */
    int[][] rowsOf(int f) {
      synchronized (index) {
        if (index[f] == null) {
          Feature ft = features.get(f);
          int[] cnt = new int[ft.radix()];
          for (byte c : ft.codes()) {
            cnt[c]++;
          }
          int[][] out = new int[ft.radix()][];
          for (int l = 0; l < out.length; l++) {
            out[l] = new int[cnt[l]];
          }
          int[] at = new int[ft.radix()];
          byte[] codes = ft.codes();
          for (int i = 0; i < codes.length; i++) {
            out[codes[i]][at[codes[i]]++] = i;
          }
          index[f] = out;
        }
        return index[f];
      }
    }

    public long badRows() {
      long s = 0;
      for (boolean b : bad) {
        if (b) {
          s++;
        }
      }
      return s;
    }
  }

  /**
   * The search's settings.
   *
   * @param alpha SliceLine's weight of the error term against the size term, in (0, 1]
   */
  public record Settings(int depth, int minSize, double effect, double alpha) {}

  /**
   * A slice that passes size, score and effect, with its statistics.
   *
   * @param features indexes into the problem's features, ascending
   * @param levels the level of each
   */
  public record Candidate(int[] features, int[] levels, long size, long bad, double score, double p) {
    public double rate() {
      return (double) bad / size;
    }

    /** A stable key: the predicates in feature order. */
    public String key() {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < features.length; i++) {
        b.append(i == 0 ? "" : "&").append(features[i]).append('=').append(levels[i]);
      }
      return b.toString();
    }

    /** Whether every predicate of {@code other} is one of this slice's (so this slice is a subset of its rows). */
    public boolean refines(Candidate other) {
      outer:
      for (int j = 0; j < other.features.length; j++) {
        for (int i = 0; i < features.length; i++) {
          if (features[i] == other.features[j] && levels[i] == other.levels[j]) {
            continue outer;
          }
        }
        return false;
      }
      return features.length > other.features.length;
    }
  }

  /**
   * @param candidates the slices with a p-value below 1, in a canonical order (depth, then features, then levels)
   * @param family how many slices the lattice holds (the tested family: the rest have p = 1)
   * @param evaluated how many slices the search computed statistics for
   * @param scans how many feature combinations it counted rows for
   * @param rows the problem's rows, {@code bad} how many of them are bad, {@code mean} their bad rate
   */
  public record Result(List<Candidate> candidates, long family, long evaluated, long scans, int rows, long bad, double mean) {}

  /** The number of conjunctions of up to {@code depth} predicates on distinct features. */
  public static long family(List<Feature> features, int depth) {
    double[] e = new double[depth + 1];
    e[0] = 1;
    for (Feature f : features) {
      for (int k = depth; k >= 1; k--) {
        e[k] += e[k - 1] * f.levels().size();
      }
    }
    double s = 0;
    for (int k = 1; k <= depth; k++) {
      s += e[k];
    }
    return (long) Math.min(s, Long.MAX_VALUE);
  }

  private static final class Ctx {
    final Problem pb;
    final Settings st;
    final int n;
    final double mean;
    final long total;

    Ctx(Problem pb, Settings st) {
      this.pb = pb;
      this.st = st;
      this.n = pb.rows();
      this.total = pb.badRows();
      this.mean = n == 0 ? 0 : (double) total / n;
    }

    double score(double size, double bad) {
      return st.alpha() * ((bad / size) / mean - 1) - (1 - st.alpha()) * (n / size - 1);
    }

    /** SliceLine's upper bound of the score of any sub-slice of at least minSize rows, given bounds on size, bad rows and max error. */
    double scoreBound(long ss, long se, double sm) {
      if (ss < st.minSize() || se == 0 || sm == 0) {
        return Double.NEGATIVE_INFINITY;
      }
      double[] probe = {st.minSize(), Math.min(ss, Math.max(st.minSize(), se / sm)), ss};
      double best = Double.NEGATIVE_INFINITY;
      for (double s : probe) {
        best = Math.max(best, score(s, Math.min(s * sm, se)));
      }
      return best;
    }

    /** Whether some sub-slice with these bounds could still be reported (so its children must be generated). */
    boolean open(long ss, long se) {
      return ss >= st.minSize() && se > 0 && scoreBound(ss, se, 1) > 0 && Math.min(1.0, (double) se / st.minSize()) > mean + st.effect();
    }

    /** The candidate, if the slice passes size, score and effect; else null. */
    Candidate evaluate(int[] fs, int[] ls, long ss, long se) {
      if (ss < st.minSize() || se == 0) {
        return null;
      }
      double rate = (double) se / ss;
      if (!(rate - mean > st.effect())) {
        return null;
      }
      double sc = score(ss, se);
      if (!(sc > 0)) {
        return null;
      }
      return new Candidate(fs.clone(), ls.clone(), ss, se, sc, pValue(ss, se, n, total, st.effect()));
    }
  }

  /**
   * One-sided p-value of H0: rate(S) - rate(whole) &lt;= effect, for a slice of {@code ss} rows with
   * {@code se} bad among {@code n} rows with {@code total} bad. The difference is (1 - w)(pS - pC)
   * with w = ss / n; its variance takes the slice's rate at the null boundary and the complement's
   * observed rate (smoothed by half a row), which keeps the small-slice tail honest.
   */
  public static double pValue(long ss, long se, long n, long total, double effect) {
    double pS = (double) se / ss;
    double pAll = (double) total / n;
    double w = (double) ss / n;
    long nc = n - ss;
    double z;
    if (nc == 0) {
      return 1;
    }
    double p0 = Math.min(1 - 1e-9, pAll + effect);
    double pC = (total - se + 0.5) / (nc + 1.0);
    double var = (1 - w) * (1 - w) * (p0 * (1 - p0) / ss + pC * (1 - pC) / nc);
    z = (pS - pAll - effect) / Math.sqrt(var);
    return 0.5 * Erf.erfc(z / Math.sqrt(2));
  }

  // ---- counting ----

  /** Fills each feature's codes and radix into {@code c} and {@code r}; returns the number of cells. */
  private static int layout(Problem pb, int[] fs, byte[][] c, int[] r) {
    int cells = 1;
    for (int j = 0; j < fs.length; j++) {
      Feature f = pb.features().get(fs[j]);
      c[j] = f.codes();
      r[j] = f.radix();
      cells *= r[j];
    }
    return cells;
  }

  /** Counts rows and bad rows per cell of the combination {@code fs} (mixed radix, missing levels included). */
  static int[][] count(Problem pb, int[] fs) {
    int k = fs.length;
    byte[][] c = new byte[k][];
    int[] r = new int[k];
    int cells = layout(pb, fs, c, r);
    int[] size = new int[cells];
    int[] bad = new int[cells];
    boolean[] b = pb.bad();
    int n = b.length;
    switch (k) {
      case 1 -> {
        byte[] a = c[0];
        for (int i = 0; i < n; i++) {
          int cell = a[i];
          size[cell]++;
          if (b[i]) {
            bad[cell]++;
          }
        }
      }
      case 2 -> {
        byte[] a0 = c[0];
        byte[] a1 = c[1];
        int r1 = r[1];
        for (int i = 0; i < n; i++) {
          int cell = a0[i] * r1 + a1[i];
          size[cell]++;
          if (b[i]) {
            bad[cell]++;
          }
        }
      }
      case 3 -> {
        byte[] a0 = c[0];
        byte[] a1 = c[1];
        byte[] a2 = c[2];
        int r1 = r[1];
        int r2 = r[2];
        for (int i = 0; i < n; i++) {
          int cell = (a0[i] * r1 + a1[i]) * r2 + a2[i];
          size[cell]++;
          if (b[i]) {
            bad[cell]++;
          }
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          int cell = 0;
          for (int j = 0; j < k; j++) {
            cell = cell * r[j] + c[j][i];
          }
          size[cell]++;
          if (b[i]) {
            bad[cell]++;
          }
        }
      }
    }
    return new int[][] {size, bad};
  }

  /**
   * Counts only the rows whose level of {@code fs[pos]} is one of {@code levels} (the candidates'):
   * the cells of other levels stay empty and are never read.
   */
  static int[][] countRows(Problem pb, int[] fs, int pos, java.util.BitSet levels) {
    int k = fs.length;
    byte[][] c = new byte[k][];
    int[] r = new int[k];
    int cells = layout(pb, fs, c, r);
    int[] size = new int[cells];
    int[] bad = new int[cells];
    boolean[] b = pb.bad();
    int[][] rows = pb.rowsOf(fs[pos]);
    for (int l = levels.nextSetBit(0); l >= 0; l = levels.nextSetBit(l + 1)) {
      for (int i : rows[l]) {
        int cell = 0;
        for (int j = 0; j < k; j++) {
          cell = cell * r[j] + c[j][i];
        }
        size[cell]++;
        if (b[i]) {
          bad[cell]++;
        }
      }
    }
    return new int[][] {size, bad};
  }

  /** A group's counts: over the rows of the candidates' levels of its most selective feature when they are under half the rows, else all rows. */
  static int[][] countFor(Problem pb, int[] fs, List<Node> group) {
    int bestPos = -1;
    long bestRows = pb.rows() / 2;
    java.util.BitSet best = null;
    for (int j = 0; j < fs.length; j++) {
      java.util.BitSet ls = new java.util.BitSet();
      for (Node c : group) {
        ls.set(c.ls[j]);
      }
      long rows = 0;
      int[][] byLevel = pb.rowsOf(fs[j]);
      for (int l = ls.nextSetBit(0); l >= 0; l = ls.nextSetBit(l + 1)) {
        rows += byLevel[l].length;
      }
      if (rows < bestRows) {
        bestRows = rows;
        bestPos = j;
        best = ls;
      }
    }
    return bestPos < 0 ? count(pb, fs) : countRows(pb, fs, bestPos, best);
  }

  static int cell(Problem pb, int[] fs, int[] ls) {
    int cell = 0;
    for (int j = 0; j < fs.length; j++) {
      cell = cell * pb.features().get(fs[j]).radix() + ls[j];
    }
    return cell;
  }

  // ---- brute force ----

  /** Every combination of up to {@code depth} features scanned, every cell evaluated. */
  public static Result bruteForce(Problem pb, Settings st) {
    Ctx ctx = new Ctx(pb, st);
    List<int[]> combos = new ArrayList<>();
    int nf = pb.features().size();
    for (int k = 1; k <= Math.min(st.depth(), nf); k++) {
      combinations(nf, k, 0, new int[k], 0, combos);
    }
    List<List<Candidate>> found = new ArrayList<>();
    long[] evaluated = new long[combos.size()];
    for (int i = 0; i < combos.size(); i++) {
      found.add(null);
    }
    IntStream.range(0, combos.size()).parallel().forEach(ci -> {
      int[] fs = combos.get(ci);
      int[][] cnt = count(pb, fs);
      List<Candidate> out = new ArrayList<>();
      int[] ls = new int[fs.length];
      long ev = 0;
      for (int cell = 0; cell < cnt[0].length; cell++) {
        int rest = cell;
        boolean missing = false;
        for (int j = fs.length - 1; j >= 0; j--) {
          Feature f = pb.features().get(fs[j]);
          ls[j] = rest % f.radix();
          rest /= f.radix();
          missing |= ls[j] == f.levels().size();
        }
        if (missing) {
          continue;
        }
        ev++;
        Candidate c = ctx.evaluate(fs, ls, cnt[0][cell], cnt[1][cell]);
        if (c != null) {
          out.add(c);
        }
      }
      evaluated[ci] = ev;
      found.set(ci, out);
    });
    List<Candidate> all = new ArrayList<>();
    found.forEach(all::addAll);
    return new Result(canonical(all), family(pb.features(), st.depth()), Arrays.stream(evaluated).sum(), combos.size(), ctx.n, ctx.total, ctx.mean);
  }

  private static void combinations(int n, int k, int start, int[] cur, int depth, List<int[]> out) {
    if (depth == k) {
      out.add(cur.clone());
      return;
    }
    for (int i = start; i < n; i++) {
      cur[depth] = i;
      combinations(n, k, i + 1, cur, depth + 1, out);
    }
  }

  // ---- pruned (SliceLine) ----

  /** A slice of the lattice during the pruned search: predicates as (feature, level), with bounds or counts. */
  private record Node(int[] fs, int[] ls, long ss, long se) {
    String comboKey() {
      return Arrays.toString(fs);
    }

    long key() {
      return key(fs, ls);
    }

    static long key(int[] fs, int[] ls) {
      long k = 0;
      for (int j = 0; j < fs.length; j++) {
        k = k * 1_000_003L + fs[j] * 128L + ls[j] + 1;
      }
      return k * 8 + fs.length;
    }
  }

  /** The level-wise SliceLine enumeration with size, error and score bounds; returns what {@link #bruteForce} returns. */
  public static Result pruned(Problem pb, Settings st) {
    Ctx ctx = new Ctx(pb, st);
    int nf = pb.features().size();
    List<Candidate> all = new ArrayList<>();
    long evaluated = 0;
    long scans = 0;
    // Level 1: every predicate.
    List<Node> open = new ArrayList<>();
    for (int f = 0; f < nf; f++) {
      int[] fs = {f};
      int[][] cnt = count(pb, fs);
      scans++;
      for (int l = 0; l < pb.features().get(f).levels().size(); l++) {
        evaluated++;
        int[] ls = {l};
        Candidate c = ctx.evaluate(fs, ls, cnt[0][l], cnt[1][l]);
        if (c != null) {
          all.add(c);
        }
        if (ctx.open(cnt[0][l], cnt[1][l])) {
          open.add(new Node(fs, ls, cnt[0][l], cnt[1][l]));
        }
      }
    }
    for (int level = 2; level <= Math.min(st.depth(), nf) && open.size() >= 2; level++) {
      Map<Long, Node> parents = new HashMap<>();
      for (Node p : open) {
        parents.put(p.key(), p);
      }
      // Join pairs that share their first level-2 predicates; keep a child only if all its parents are open and its bounds leave room.
      Map<String, List<Node>> byCombo = new LinkedHashMap<>();
      open.sort(NODE_ORDER);
      int i = 0;
      while (i < open.size()) {
        int j = i;
        while (j + 1 < open.size() && samePrefix(open.get(i), open.get(j + 1))) {
          j++;
        }
        for (int a = i; a <= j; a++) {
          for (int b = a + 1; b <= j; b++) {
            Node x = open.get(a);
            Node y = open.get(b);
            int last = level - 2;
            if (x.fs[last] >= y.fs[last]) {
              continue;
            }
            int[] fs = Arrays.copyOf(x.fs, level);
            int[] ls = Arrays.copyOf(x.ls, level);
            fs[level - 1] = y.fs[last];
            ls[level - 1] = y.ls[last];
            long ss = Math.min(x.ss, y.ss);
            long se = Math.min(x.se, y.se);
            boolean ok = true;
            for (int drop = 0; drop < level - 2 && ok; drop++) {
              Node p = parents.get(Node.key(without(fs, drop), without(ls, drop)));
              if (p == null) {
                ok = false;
              } else {
                ss = Math.min(ss, p.ss);
                se = Math.min(se, p.se);
              }
            }
            if (!ok || !ctx.open(ss, se)) {
              continue;
            }
            Node child = new Node(fs, ls, ss, se);
            byCombo.computeIfAbsent(child.comboKey(), k -> new ArrayList<>()).add(child);
          }
        }
        i = j + 1;
      }
      List<List<Node>> groups = new ArrayList<>(byCombo.values());
      List<List<Candidate>> found = new ArrayList<>();
      List<List<Node>> nextOpen = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        found.add(null);
        nextOpen.add(null);
      }
      IntStream.range(0, groups.size()).parallel().forEach(g -> {
        List<Node> group = groups.get(g);
        int[] fs = group.get(0).fs;
        int[][] cnt = countFor(pb, fs, group);
        List<Candidate> out = new ArrayList<>();
        List<Node> op = new ArrayList<>();
        for (Node c : group) {
          int cell = cell(pb, fs, c.ls);
          long ss = cnt[0][cell];
          long se = cnt[1][cell];
          Candidate cand = ctx.evaluate(fs, c.ls, ss, se);
          if (cand != null) {
            out.add(cand);
          }
          if (ctx.open(ss, se)) {
            op.add(new Node(fs, c.ls, ss, se));
          }
        }
        found.set(g, out);
        nextOpen.set(g, op);
      });
      for (List<Node> g : groups) {
        evaluated += g.size();
      }
      scans += groups.size();
      found.forEach(all::addAll);
      open = new ArrayList<>();
      for (List<Node> o : nextOpen) {
        open.addAll(o);
      }
    }
    return new Result(canonical(all), family(pb.features(), st.depth()), evaluated, scans, ctx.n, ctx.total, ctx.mean);
  }

  private static final Comparator<Node> NODE_ORDER = (a, b) -> {
    for (int j = 0; j < a.fs.length; j++) {
      int c = Integer.compare(a.fs[j], b.fs[j]);
      if (c == 0) {
        c = Integer.compare(a.ls[j], b.ls[j]);
      }
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };

  private static boolean samePrefix(Node a, Node b) {
    for (int j = 0; j < a.fs.length - 1; j++) {
      if (a.fs[j] != b.fs[j] || a.ls[j] != b.ls[j]) {
        return false;
      }
    }
    return true;
  }

  private static int[] without(int[] a, int drop) {
    int[] out = new int[a.length - 1];
    for (int i = 0, o = 0; i < a.length; i++) {
      if (i != drop) {
        out[o++] = a[i];
      }
    }
    return out;
  }

  private static List<Candidate> canonical(List<Candidate> cs) {
    List<Candidate> out = new ArrayList<>(cs);
    out.sort(Comparator.<Candidate>comparingInt(c -> c.features().length).thenComparing((a, b) -> {
      for (int j = 0; j < a.features().length; j++) {
        int c = Integer.compare(a.features()[j], b.features()[j]);
        if (c != 0) {
          return c;
        }
      }
      for (int j = 0; j < a.levels().length; j++) {
        int c = Integer.compare(a.levels()[j], b.levels()[j]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }));
    return out;
  }

  /**
   * Benjamini-Hochberg q-values of the candidates' p-values in a family of {@code family} tests
   * whose other members have p = 1; in the candidates' order.
   */
  public static double[] qValues(List<Candidate> cs, long family) {
    int c = cs.size();
    Integer[] order = new Integer[c];
    for (int i = 0; i < c; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> cs.get(i).p()));
    double[] q = new double[c];
    double run = 1;
    for (int r = c - 1; r >= 0; r--) {
      double v = cs.get(order[r]).p() * family / (r + 1);
      run = Math.min(run, v);
      q[order[r]] = Math.min(1, run);
    }
    return q;
  }
}
