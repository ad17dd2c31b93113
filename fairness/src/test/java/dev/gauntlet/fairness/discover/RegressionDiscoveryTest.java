package dev.gauntlet.fairness.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.data.Table;
import dev.gauntlet.harness.data.TableLoader;
import dev.gauntlet.harness.metric.Interval;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.FunctionModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: slices.discover on a regression model's large errors (|prediction - label| > errorAbove), counted by hand. */
class RegressionDiscoveryTest {
  static final String SCHEMA = """
      name: r
      columns:
        - {name: x, type: numeric, role: feature}
        - {name: region, type: categorical, role: protected, categories: [north, south]}
        - {name: y, type: numeric, role: label}
      """;

  @TempDir
  Path dir;

  static final FunctionModel IDENTITY = FunctionModel.regression("id", 1, x -> {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i][0];
    }
    return v;
  });

  /** Label 1000; the model (x) is off by 5000 on 60 of 100 northern rows and 10 of 100 southern ones, else by 100. */
  static Table table() {
    Schema s = SchemaLoader.parse(ConfigNode.parse("r.schema.yaml", SCHEMA));
    List<String[]> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      boolean north = i < 100;
      boolean large = north ? i < 60 : i < 110;
      rows.add(new String[] {Double.toString(1000 + (large ? 5000 : 100)), north ? "north" : "south", "1000"});
    }
    return TableLoader.fromRows(s, new String[] {"x", "region", "y"}, rows, "rows");
  }

  static Measurement get(SliceDiscoveryCheck.Discovery d, String metric, Subject s) {
    return d.measurements().stream().filter(m -> m.metric().equals(metric) && m.subject().equals(s)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + metric + "[" + s + "]"));
  }

  @Test
  void theSliceWithFrequentLargeErrorsIsFoundWithItsWilsonInterval() {
    Table t = table();
    DiscoveryConfig config = DiscoveryConfig.defaults().withColumns(List.of("region")).withDepth(1);
    SliceDiscoveryCheck c = new SliceDiscoveryCheck(config, t.schema(), null, 1000);
    SliceDiscoveryCheck.Discovery d = c.run(new CheckContext(IDENTITY, false, t, null, 3, 0.5, null, null, new CheckContext.Cache()));
    // 70 of 200 rows are off by more than 1000; 60 of the 100 northern rows
    assertEquals(0.35, get(d, "large_error_rate", Subject.all()).value(), 1e-12);
    assertEquals(1.0, get(d, "slices_found", Subject.all()).value());
    Subject north = Subject.slice("region", "north");
    assertEquals(0.6, get(d, "large_error_rate", north).value(), 1e-12);
    assertEquals(100.0, get(d, "n", north).value());
    assertEquals(0.25, get(d, "effect", north).value(), 1e-12);
    // Wilson score interval for 60 of 100 at 95%: (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    double z = 1.959963984540054;
    double p = 0.6;
    double n = 100;
    double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
    Interval i = get(d, "large_error_rate", north).interval();
    assertEquals(centre - half, i.lower(), 1e-9);
    assertEquals(centre + half, i.upper(), 1e-9);
    assertTrue(d.summary().contains("share of absolute errors above 1000"), d.summary());
    assertTrue(d.measurements().stream().noneMatch(m -> m.metric().equals("error_rate")), "a regression search measures large_error_rate");
    assertEquals("", d.yaml(), "fairness.slices cannot pin a regression model's large-error share");
    for (Evidence e : d.evidence()) {
      if (e instanceof Evidence.Table tab) {
        assertFalse(tab.title().contains("error rate"), tab.title());
      }
    }
  }

  @Test
  void theParamsAreCheckedForTheTask() throws Exception {
    Schema s = table().schema();
    DiscoveryConfig fpr = DiscoveryConfig.defaults().withTarget(Target.FPR);
    assertEquals("target", assertThrows(ParamException.class, () -> new SliceDiscoveryCheck(fpr, s, null, 10)).param());
    assertEquals("errorAbove", assertThrows(ParamException.class, () -> new SliceDiscoveryCheck(DiscoveryConfig.defaults(), s, null, -1)).param());
    Files.writeString(dir.resolve("s.yaml"), SCHEMA);
    Path f = dir.resolve("suite.yaml");
    Files.writeString(f, "name: r\nmodel: {type: precomputed, prediction: x}\ndata: {path: missing.csv, schema: s.yaml}\nchecks:\n"
        + "  - {type: slices.discover, conditions: [{metric: slices_found, atMost: 0}]}\n");
    String m = assertThrows(UsageException.class, () -> new SuiteLoader().load(f, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("suite.yaml:5:") && m.contains("errorAbove"), m);
    Files.writeString(dir.resolve("s.yaml"), SCHEMA.replace("{name: y, type: numeric, role: label}", "{name: y, type: binary, role: label, categories: [a, b]}"));
    Files.writeString(f, "name: r\nmodel: {type: precomputed, prediction: region}\ndata: {path: missing.csv, schema: s.yaml}\nchecks:\n"
        + "  - {type: slices.discover, params: {errorAbove: 3}, conditions: [{metric: slices_found, atMost: 0}]}\n");
    m = assertThrows(UsageException.class, () -> new SuiteLoader().load(f, OptionalLong.empty(), null)).getMessage();
    assertTrue(m.contains("'errorAbove' applies to a regression suite"), m);
  }
}
