package dev.gauntlet.harness.summary;

import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Predictions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An engine that deals the rows at random into {@code k} partitions of random sizes (some may be
 * empty, rows are not kept in order), summarises each partition as a table of its own rows and
 * merges them in a random order and tree shape. The whole-data answer must not change: this engine
 * exists to prove it (property tests of every summarised check), and to check a new summariser.
 *
 * @since 0.3
 */
public final class RandomSplitEngine implements SummaryEngine {
  private final int k;
  private final long seed;

  /** {@code k >= 1} partitions, dealt by a generator seeded with {@code seed}. */
  public RandomSplitEngine(int k, long seed) {
    if (k < 1) {
      throw new IllegalArgumentException("partition count must be at least 1, not " + k);
    }
    this.k = k;
    this.seed = seed;
  }

  @Override
  public <S extends Summary<S>> S summarize(Table data, Predictions predictions, Summarizer<S> summarizer) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = data.rowCount();
    // Random partition weights (a weight of 0 leaves a partition empty), then each row to a partition by weight.
    double[] w = new double[k];
    double total = 0;
    for (int c = 0; c < k; c++) {
      w[c] = rnd.nextInt(4) == 0 ? 0 : rnd.nextDouble();
      total += w[c];
    }
    if (total == 0) {
      w[0] = total = 1;
    }
    List<List<Integer>> rows = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      rows.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      double u = rnd.nextDouble() * total;
      int c = 0;
      while (c < k - 1 && (u -= w[c]) >= 0) {
        c++;
      }
      if (w[c] == 0) {
        c = 0;
        while (w[c] == 0) {
          c++;
        }
      }
      rows.get(c).add(i);
    }
    List<S> parts = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      List<Integer> rs = rows.get(c);
      // Shuffle within the partition: a summariser must not depend on row order.
      for (int i = rs.size() - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        Integer t = rs.get(i);
        rs.set(i, rs.get(j));
        rs.set(j, t);
      }
      int[] idx = rs.stream().mapToInt(Integer::intValue).toArray();
      Table t = data.select(idx);
      parts.add(summarizer.summarize(Partition.of(t, predictions == null ? null : predictions.select(idx))));
    }
    // Merge random pairs until one remains: a random order and tree shape.
    while (parts.size() > 1) {
      int a = rnd.nextInt(parts.size());
      S x = parts.remove(a);
      int b = rnd.nextInt(parts.size());
      S y = parts.remove(b);
      parts.add(rnd.nextBoolean() ? x.merge(y) : y.merge(x));
    }
    return parts.get(0);
  }

  @Override
  public String describe(Table data) {
    return "random split into " + k + " partitions (seed " + seed + ")";
  }
}
