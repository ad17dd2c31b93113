package dev.gauntlet.attacks.perturbation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Shrinks a failing case by editing its recorded choice sequence, never the case itself (the
 * Hypothesis approach): each pass lowers one choice while the case still fails <em>the same way</em>
 * (its failure identity is kept fixed), visiting choice kinds in the order flags (fewest features),
 * row (most typical), categories and signs, magnitudes (smallest change), until nothing lowers.
 *
 * <p>Each choice is lowered by a batched k-ary search: one model call (a step) tests up to {@link #K}
 * values below the current one and keeps the smallest that still fails, then narrows between it and
 * the largest tested value below it. Rows in a batch are nearly free and calls are not, so K is wide,
 * and the first call for the starting row also tries the 256 most typical rows.
 * Values only ever decrease, so shrinking terminates; the step budget caps the model calls.
 */
final class Shrinker {
  static final int K = 64;
  private static final int TYPICAL_ROWS_FIRST = 256;

  /** The shrunk sequence and how many steps (batched model calls) it took. */
  record Result(long[] choices, int steps) {}

  private final Function<List<long[]>, String[]> oracle;

  /**
   * @param oracle the failure identity of each candidate sequence (null where the case holds), evaluated
   *     in one batch
   */
  Shrinker(Function<List<long[]>, String[]> oracle) {
    this.oracle = oracle;
  }

  Result shrink(long[] start, Choices.Kind[] kinds, String identity, int budget) {
    long[] cur = start.clone();
    Integer[] order = new Integer[cur.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> kinds[a] != kinds[b] ? Integer.compare(kinds[a].ordinal(), kinds[b].ordinal()) : Integer.compare(a, b));
    int[] minimalAt = new int[cur.length];
    Arrays.fill(minimalAt, -1);
    int version = 0;
    int steps = 0;
    boolean changed = true;
    while (changed && steps < budget) {
      changed = false;
      for (int pos : order) {
        if (steps >= budget) {
          break;
        }
        if (cur[pos] == 0 || kinds[pos] == Choices.Kind.PATTERN || minimalAt[pos] == version) {
          continue;
        }
        long hi = cur[pos];
        long lo = -1;
        boolean first = true;
        while (hi - lo > 1 && steps < budget) {
          long[] grid = grid(lo, hi, first && kinds[pos] == Choices.Kind.ROW);
          first = false;
          List<long[]> candidates = new ArrayList<>(grid.length);
          for (long v : grid) {
            long[] c = cur.clone();
            c[pos] = v;
            candidates.add(c);
          }
          String[] ids = oracle.apply(candidates);
          steps++;
          int f = -1;
          for (int i = 0; i < grid.length; i++) {
            if (Objects.equals(ids[i], identity)) {
              f = i;
              break;
            }
          }
          if (f < 0) {
            lo = grid[grid.length - 1];
          } else {
            lo = f == 0 ? lo : grid[f - 1];
            hi = grid[f];
          }
        }
        if (hi < cur[pos]) {
          cur[pos] = hi;
          version++;
          changed = true;
        }
        minimalAt[pos] = version;
      }
    }
    return new Result(cur, steps);
  }

  /** Up to K values in (lo, hi), ascending, spread evenly, always including lo + 1. */
  static long[] grid(long lo, long hi, boolean typicalRowsFirst) {
    TreeSet<Long> vals = new TreeSet<>();
    long span = hi - lo - 1;
    if (span <= K) {
      for (long v = lo + 1; v < hi; v++) {
        vals.add(v);
      }
    } else {
      for (int j = 0; j < K; j++) {
        vals.add(lo + 1 + (long) Math.floor((double) span * j / K));
      }
    }
    if (typicalRowsFirst) {
      for (long v = lo + 1; v < Math.min(hi, lo + 1 + TYPICAL_ROWS_FIRST); v++) {
        vals.add(v);
      }
    }
    return vals.stream().mapToLong(Long::longValue).filter(v -> v > lo && v < hi).toArray();
  }
}
