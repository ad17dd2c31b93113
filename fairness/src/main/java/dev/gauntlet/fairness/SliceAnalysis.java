package dev.gauntlet.fairness;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.data.ColumnSpec;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.model.Predictions;
import java.util.ArrayList;
import java.util.List;

/** One run of a {@link SliceCheck} on one model: counts, rates, disparities, evidence. */
final class SliceAnalysis {
  private final SliceConfig cfg;
  private final CheckContext ctx;
  final List<Measurement> ms = new ArrayList<>();
  final List<Evidence> evidence = new ArrayList<>();

  SliceAnalysis(SliceConfig cfg, CheckContext ctx) {
    this.cfg = cfg;
    this.ctx = ctx;
  }

  CheckValue run() {
    Table t = ctx.data();
    ColumnSpec label = ctx.label();
    if (label.categories().size() != 2) {
      throw new UsageException("fairness: the label '" + label.name() + "' has classes " + label.categories()
          + "; slice fairness compares positive and negative decisions and needs a binary label");
    }
    Predictions p = ctx.predictions(t);
    int pos = label.positiveIndex();
    int[] y = t.labels();
    boolean[] positive = new boolean[y.length];
    for (int i = 0; i < y.length; i++) {
      positive[i] = y[i] == pos;
    }
    boolean[] decided = SliceCheck.decisions(p, label, cfg.threshold());
    Slices slices = Slices.of(t, cfg);
    SliceCounts counts = SliceCounts.count(slices, positive, decided, null, false, null, null);
    for (int s = 0; s < slices.slicings.size(); s++) {
      Slices.Slicing sl = slices.slicings.get(s);
      int ref = reference(slices, sl, counts.cells[s]);
      perSlice(sl, counts.cells[s], ref);
    }
    return new CheckValue(ms, evidence, "");
  }

  /** The reference slice: the configured values when every attribute of the slicing has one, else the largest slice. */
  int reference(Slices slices, Slices.Slicing sl, long[] cells) {
    int g = 0;
    boolean configured = true;
    for (int j = 0; j < sl.attrs().length; j++) {
      int a = sl.attrs()[j];
      String want = cfg.references().get(slices.names.get(a));
      if (want == null) {
        configured = false;
        break;
      }
      int level = slices.levels.get(a).indexOf(want);
      if (level < 0) {
        throw new UsageException("fairness: reference '" + slices.names.get(a) + "=" + want + "' is not a value of the attribute; its values are "
            + slices.levels.get(a));
      }
      g += level * sl.strides()[j];
    }
    if (configured) {
      return g;
    }
    int best = 0;
    long bestSize = -1;
    for (int h = 0; h < sl.groups(); h++) {
      long size = cells[4 * h] + cells[4 * h + 1] + cells[4 * h + 2] + cells[4 * h + 3];
      if (size > bestSize) {
        best = h;
        bestSize = size;
      }
    }
    return best;
  }

  private void perSlice(Slices.Slicing sl, long[] cells, int ref) {
    for (int g = 0; g < sl.groups(); g++) {
      String subject = sl.subjects().get(g);
      long size = cells[4 * g] + cells[4 * g + 1] + cells[4 * g + 2] + cells[4 * g + 3];
      ms.add(Measurement.of("n", subject, size, size));
      for (Rate r : Rate.values()) {
        ms.add(SliceCheck.rate(r, subject, cells, 4 * g, cfg.confidence(), cfg.minSize(), size));
      }
      if (g == ref) {
        continue;
      }
      for (Disparity d : cfg.disparities()) {
        double[] v = Disparities.of(d, cells, g, ref);
        String why = Disparities.undefined(d, cells, g, ref, cfg.minSize(), sl.subjects());
        addDisparity(d.key() + "_diff", subject, v[0], size, why);
        addDisparity(d.key() + "_ratio", subject, v[1], size, why);
        if (d == Disparity.DEMOGRAPHIC_PARITY) {
          addDisparity("disparate_impact", subject, v[1], size, why);
          addDisparity("selection_rate_ratio", subject, v[1], size, why);
        }
      }
    }
  }

  private void addDisparity(String metric, String subject, double v, long n, String why) {
    if (why != null || !Double.isFinite(v)) {
      ms.add(Measurement.inconclusive(metric, subject, Double.isFinite(v) ? v : Double.NaN, n, why != null ? why : "undefined (division by zero)"));
    } else {
      ms.add(Measurement.of(metric, subject, v, n));
    }
  }
}
