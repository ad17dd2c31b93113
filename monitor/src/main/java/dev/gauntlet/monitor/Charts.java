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
      List<Evidence.Series> series = new ArrayList<>(List.of(new Evidence.Series("realized (" + lv + " Wilson)", real),
          new Evidence.Series("estimated, CBPE (" + lv + ")" + (trusted ? "" : ", untrusted"), est),
          new Evidence.Series("labelled fraction", lab)));
      if (!Double.isNaN(c.floor()) && !windows.isEmpty()) {
        // the floor as a line of its own (a band would flag the labelled fraction as outside it)
        series.add(new Evidence.Series("floor " + MonitorCheck.fmt(c.floor()), List.of(new Evidence.Point(windows.get(0).label(), 0, c.floor(), Double.NaN, Double.NaN),
            new Evidence.Point(windows.get(windows.size() - 1).label(), windows.size() - 1, c.floor(), Double.NaN, Double.NaN))));
      }
      out.add(new Evidence.Chart("Accuracy per window, " + name + ": estimated and realized, with the labelled fraction", Evidence.ChartKind.LINE, "window",
          "accuracy / labelled fraction", series, null,
          "Per window for " + name + ", oldest first: " + alt + "." + (Double.isNaN(c.floor()) ? "" : " The floor is " + MonitorCheck.fmt(c.floor()) + ".")
              + (trusted ? "" : " The estimator is untrusted, so the estimates are not judged.")));
    }
    return out;
  }
}
