package dev.gauntlet.fairness.discover;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Synthetic audit data: six categorical features of three levels (a, b, c), one numeric feature
 * (uniform 0..100), labels and decisions with a base error rate, and optionally a planted slice
 * (a conjunction of predicates on the categoricals) with a raised error rate.
 */
final class Synth {
  private Synth() {}

  static final String SCHEMA = """
      name: synth
      columns:
        - {name: f0, type: categorical, categories: [a, b, c], role: protected}
        - {name: f1, type: categorical, categories: [a, b, c], role: feature}
        - {name: f2, type: categorical, categories: [a, b, c], role: feature}
        - {name: f3, type: categorical, categories: [a, b, c], role: feature}
        - {name: f4, type: categorical, categories: [a, b, c], role: feature}
        - {name: f5, type: categorical, categories: [a, b, c], role: protected}
        - {name: x, type: numeric, role: feature}
        - {name: pred, type: categorical, categories: ["0", "1"], role: prediction}
        - {name: y, type: categorical, categories: ["0", "1"], role: label, positive: "1"}
      """;

  static Schema schema() {
    return SchemaLoader.parse(ConfigNode.parse("synth-schema.yaml", SCHEMA));
  }

  /** The data, its labels and decisions (codes; positive = 1). */
  record Data(Table table, int[] labels, int[] decisions) {}

  /**
   * @param planted feature index -> level index (0 = a) of the planted conjunction; empty = none
   */
  static Data make(long seed, int n, double baseError, double plantedError, int[] plantedFeatures, int[] plantedLevels) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String[]> rows = new ArrayList<>();
    int[] labels = new int[n];
    int[] dec = new int[n];
    String[] lv = {"a", "b", "c"};
    for (int i = 0; i < n; i++) {
      String[] row = new String[9];
      int[] codes = new int[6];
      for (int f = 0; f < 6; f++) {
        codes[f] = r.nextInt(3);
        row[f] = lv[codes[f]];
      }
      row[6] = Integer.toString(r.nextInt(100));
      boolean in = plantedFeatures.length > 0;
      for (int j = 0; j < plantedFeatures.length; j++) {
        in &= codes[plantedFeatures[j]] == plantedLevels[j];
      }
      int y = r.nextDouble() < 0.4 ? 1 : 0;
      boolean err = r.nextDouble() < (in ? plantedError : baseError);
      int d = err ? 1 - y : y;
      row[7] = Integer.toString(d);
      row[8] = Integer.toString(y);
      labels[i] = y;
      dec[i] = d;
      rows.add(row);
    }
    Table t = TableLoader.fromRows(schema(), new String[] {"f0", "f1", "f2", "f3", "f4", "f5", "x", "pred", "y"}, rows, "synth");
    return new Data(t, labels, dec);
  }
}
