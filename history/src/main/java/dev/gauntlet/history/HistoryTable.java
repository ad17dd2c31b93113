package dev.gauntlet.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.report.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The runs of a suite for {@code gauntlet history}: a console table, or JSON for machines. */
public final class HistoryTable {
  /** How many gated whole-data metrics the table shows per run. */
  static final int KEY_METRICS = 4;

  private HistoryTable() {}

  /** Key metrics of a run: the gated metrics about the whole data, at most {@link #KEY_METRICS}, as {@code check/metric=value}. */
  static List<String> keyMetrics(RunRecord r) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    for (RunRecord.FindingRow f : r.findings()) {
      if (f.metric() != null && "".equals(f.subject()) && seen.add(f.checkId() + "/" + f.metric()) && out.size() < KEY_METRICS) {
        out.add(f.checkId() + "/" + f.metric() + "=" + MetricCondition.fmt(f.value()));
      }
    }
    return out;
  }

  /** A table, newest run first; every value escaped for the console. */
  public static String table(String suite, List<RunRecord> runs, String where) {
    StringBuilder b = new StringBuilder();
    if (runs.isEmpty()) {
      return Text.forConsole("No runs of suite '" + suite + "' are recorded in " + where + ".") + "\n";
    }
    b.append(Text.forConsole("Runs of suite '" + suite + "' in " + where + ", newest first:")).append('\n');
    b.append(String.format(Locale.ROOT, "%6s  %-20s  %-7s  %-7s  %-8s  %-8s  %-30s  %s%n", "RUN", "STARTED", "KIND", "VERDICT", "PROMOTED", "BLOCKING", "MODEL", "KEY METRICS"));
    for (RunRecord r : runs) {
      long blocking = r.findings().stream().filter(RunRecord.FindingRow::blocks).map(RunRecord.FindingRow::checkId).distinct().count();
      String model = (r.modelName() == null ? "?" : r.modelName()) + (r.modelSha256() == null ? "" : " " + r.modelSha256().substring(0, Math.min(12, r.modelSha256().length())));
      b.append(Text.forConsole(String.format(Locale.ROOT, "%6d  %-20s  %-7s  %-7s  %-8s  %-8d  %-30s  %s", r.id(), r.startedAt(), r.kind(), r.verdict(),
          r.promoted() ? "yes" : "", blocking, model, String.join("  ", keyMetrics(r))))).append('\n');
    }
    return b.toString();
  }

  /** The runs as JSON: an object with the suite and an array of runs with their gated findings. */
  public static String json(String suite, List<RunRecord> runs) {
    ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = om.createObjectNode();
    root.put("suite", suite);
    ArrayNode arr = root.putArray("runs");
    for (RunRecord r : runs) {
      ObjectNode o = arr.addObject();
      o.put("id", r.id());
      o.put("startedAt", r.startedAt());
      o.put("verdict", r.verdict());
      o.put("exitCode", r.exitCode());
      o.put("promoted", r.promoted());
      o.put("kind", r.kind());
      o.put("engine", r.engine());
      o.put("model", r.modelName());
      o.put("modelSha256", r.modelSha256());
      o.put("baselineSha256", r.baselineSha256());
      o.put("dataSha256", r.dataSha256());
      o.put("suiteSha256", r.suiteSha256());
      o.put("harnessVersion", r.harnessVersion());
      o.put("report", r.reportPath());
      ArrayNode fs = o.putArray("findings");
      for (RunRecord.FindingRow f : r.findings()) {
        ObjectNode x = fs.addObject();
        x.put("check", f.checkId());
        x.put("metric", f.metric());
        x.put("subject", f.subject());
        x.put("outcome", f.outcome());
        x.put("blocks", f.blocks());
        if (Double.isFinite(f.value())) {
          x.put("value", f.value());
        } else {
          x.putNull("value");
        }
      }
    }
    try {
      return om.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
