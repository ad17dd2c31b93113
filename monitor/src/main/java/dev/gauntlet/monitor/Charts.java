package dev.gauntlet.monitor;

import dev.gauntlet.harness.check.Evidence;
import java.util.ArrayList;
import java.util.List;

/**
 * The trend charts of the monitor: per window, realized and estimated accuracy together with their
 * intervals, and the labelled fraction, for every row and for each group (at most {@link #MAX}
 * charts). They are ordinary {@link Evidence.Chart}s, so the HTML report draws them with its
 * text alternatives, legends and data tables.
 */
final class Charts {
  static final int MAX = 8;

  private Charts() {}

  static List<Evidence> trends(List<MonitorCheck.Window> windows, List<Figures.Cell[]> cells, WindowSummary.Layout layout, MonitorConfig c, double conf,
      boolean trusted) {
    List<Evidence> out = new ArrayList<>();
    int count = layout.cells();
    for (int k = 0; k < count && out.size() < MAX; k++) {
      List<Evidence.Point> real = new ArrayList<>();
      List<Evidence.Point> est = new ArrayList<>();
      List<Evidence.Point> lab = new ArrayList<>();
      StringBuilder alt = new StringBuilder();
      String name = null;
      for (int i = 0; i < windows.size(); i++) {
        Figures.Cell x = cells.get(i)[k];
        name = x.name();
        String w = windows.get(i).label();
        boolean hasReal = x.labelled() > 0;
        real.add(new Evidence.Point(w, i, hasReal ? x.realized() : Double.NaN, hasReal ? x.realizedCi()[0] : Double.NaN, hasReal ? x.realizedCi()[1] : Double.NaN));
        boolean hasEst = x.n() > 0;
        est.add(new Evidence.Point(w, i, hasEst ? x.estimated() : Double.NaN, hasEst ? x.estimatedCi()[0] : Double.NaN, hasEst ? x.estimatedCi()[1] : Double.NaN));
        lab.add(new Evidence.Point(w, i, hasEst ? x.completeness() : Double.NaN, Double.NaN, Double.NaN));
        alt.append(i == 0 ? "" : "; ").append(w).append(": estimated ").append(MonitorCheck.f3(x.estimated())).append(", realized ")
            .append(hasReal ? MonitorCheck.f3(x.realized()) : "none yet").append(", ").append(MonitorCheck.pct(hasEst ? x.completeness() : 0)).append(" labelled");
      }
      String lv = Figures.levelText(conf);
      Evidence.Band band = Double.isNaN(c.floor()) ? null : new Evidence.Band("at or above the floor " + MonitorCheck.fmt(c.floor()), c.floor(), 1.0);
      out.add(new Evidence.Chart("Accuracy per window, " + name + ": estimated and realized, with the labelled fraction", Evidence.ChartKind.LINE, "window",
          "accuracy / labelled fraction",
          List.of(new Evidence.Series("realized accuracy (" + lv + " Wilson)", real),
              new Evidence.Series("estimated accuracy, CBPE (" + lv + " Poisson-binomial)" + (trusted ? "" : ", untrusted"), est),
              new Evidence.Series("labelled fraction", lab)),
          band, "Per window for " + name + ", oldest first: " + alt + "." + (trusted ? "" : " The estimator is untrusted, so the estimates are not judged.")));
    }
    return out;
  }
}
