package dev.gauntlet.fairness.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.fairness.FairnessChecks;
import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.Evidence;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.config.CheckType;
import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.metric.ParamException;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.PrecomputedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check from YAML and Java: parameters, measurements, evidence and the pinning YAML. */
class DiscoveryCheckTest {

  private static CheckType type() {
    return new FairnessChecks().types().stream().filter(t -> t.name().equals("slices.discover")).findFirst().orElseThrow();
  }

  private static SliceDiscoveryCheck fromYaml(String params) {
    return (SliceDiscoveryCheck) type().create(ConfigNode.parse("suite.yaml", params), Synth.schema());
  }

  private static SliceDiscoveryCheck.Discovery run(SliceDiscoveryCheck c, Synth.Data d) {
    return c.run(new CheckContext(PrecomputedModel.ofDecisions("pred", "pred"), false, d.table(), null, 1, 0.5, null, null, new CheckContext.Cache()));
  }

  @Test
  void badParametersAreReportedAtTheirNode() {
    UsageException depth = assertThrows(UsageException.class, () -> fromYaml("target: fpr\ndepth: 0"));
    assertTrue(depth.getMessage().startsWith("suite.yaml:2:8:"), depth.getMessage());
    assertTrue(depth.getMessage().contains("depth must be in [1, 4], got 0"), depth.getMessage());
    UsageException col = assertThrows(UsageException.class, () -> fromYaml("columns: [f1, f9]"));
    assertTrue(col.getMessage().startsWith("suite.yaml:1:10:"), col.getMessage());
    assertTrue(col.getMessage().contains("no column 'f9'") && col.getMessage().contains("did you mean"), col.getMessage());
    UsageException label = assertThrows(UsageException.class, () -> fromYaml("columns: [y]"));
    assertTrue(label.getMessage().contains("cannot form predicates"), label.getMessage());
    UsageException target = assertThrows(UsageException.class, () -> fromYaml("target: accuracy"));
    assertTrue(target.getMessage().startsWith("suite.yaml:1:9:"), target.getMessage());
    UsageException key = assertThrows(UsageException.class, () -> fromYaml("dept: 2"));
    assertTrue(key.getMessage().contains("Did you mean 'depth'"), key.getMessage());
    // minSize above the data is known when the data is: the message still points at the parameter.
    SliceDiscoveryCheck big = fromYaml("depth: 2\nminSize: 5000");
    UsageException size = assertThrows(UsageException.class, () -> run(big, Synth.make(1, 300, 0.1, 0.1, new int[0], new int[0])));
    assertTrue(size.getMessage().startsWith("suite.yaml:2:10:") && size.getMessage().contains("above the 300 rows"), size.getMessage());
    // The same validator in Java.
    assertThrows(ParamException.class, () -> DiscoveryConfig.defaults().withDepth(0));
    assertThrows(ParamException.class, () -> new SliceDiscoveryCheck(DiscoveryConfig.defaults().withColumns(List.of("nope")), Synth.schema()));
  }

  @Test
  void measuresEvidencesAndPinsThePlantedSlice() {
    Synth.Data d = Synth.make(7, 3000, 0.15, 0.5, new int[] {1, 3}, new int[] {0, 2});
    SliceDiscoveryCheck c = fromYaml("depth: 3\ntarget: error");
    SliceDiscoveryCheck.Discovery v = run(c, d);
    Subject planted = Subject.slice("f1", "a").and("f3", "c");
    assertEquals(planted, v.slices().get(0).subject(), "the planted slice ranks first: " + v.slices());
    assertTrue(v.measurements().stream().allMatch(m -> c.metrics().find(m.metric()).isPresent()));
    Measurement rate = v.measurements().stream().filter(m -> m.metric().equals("error_rate") && m.subject().equals(planted)).findFirst().orElseThrow();
    assertTrue(rate.hasInterval() && rate.lower() > 0.4 && rate.upper() < 0.6, rate.toString());
    double found = v.measurements().stream().filter(m -> m.metric().equals("slices_found")).findFirst().orElseThrow().value();
    assertEquals(v.slices().size(), found);
    assertEquals(SliceSearch.family(SliceDiscoveryCheck.features(c.config(), d.table(), new java.util.ArrayList<>()), 3),
        (long) v.measurements().stream().filter(m -> m.metric().equals("slices_tested")).findFirst().orElseThrow().value());
    assertTrue(v.evidence().stream().anyMatch(e -> e instanceof Evidence.Chart ch && ch.kind() == Evidence.ChartKind.BAR));
    assertTrue(v.evidence().stream().anyMatch(e -> e instanceof Evidence.Table));
    // The pinning YAML is a fairness.slices check that loads against the schema and names the slice in the one subject grammar.
    assertTrue(v.yaml().contains("subject: \"f1=a&f3=c\""), v.yaml());
    String params = v.yaml().lines().filter(l -> l.trim().startsWith("params:")).findFirst().orElseThrow().trim().substring("params:".length());
    CheckType slices = new FairnessChecks().types().get(0);
    assertEquals("fairness.slices", slices.name());
    slices.create(ConfigNode.parse("pinned.yaml", params), Synth.schema());
    // Refinements of the planted slice with no extra effect are folded into it, not reported.
    assertFalse(v.slices().stream().anyMatch(s -> s.subject().attributes().size() == 3
        && s.subject().attributes().get("f1") != null && s.subject().attributes().get("f3") != null));
    assertTrue(v.slices().get(0).folded() > 0);
  }

  @Test
  void runsInASuiteBuiltInJava() {
    Synth.Data d = Synth.make(7, 3000, 0.15, 0.5, new int[] {1, 3}, new int[] {0, 2});
    dev.gauntlet.harness.run.Suite suite = dev.gauntlet.harness.run.Suite.builder("java-discovery").model(PrecomputedModel.ofDecisions("pred", "pred"))
        .data(d.table()).check(dev.gauntlet.harness.run.CheckSpec.of("discover", new SliceDiscoveryCheck(DiscoveryConfig.defaults(), Synth.schema()),
            dev.gauntlet.harness.check.MetricCondition.atMost("slices_found", 0)))
        .build();
    dev.gauntlet.harness.run.SuiteResult r = new dev.gauntlet.harness.run.SuiteRunner(null, null, "test").run(suite);
    dev.gauntlet.harness.run.CheckResult c = r.checks().stream().filter(x -> x.id().equals("discover")).findFirst().orElseThrow();
    assertEquals(dev.gauntlet.harness.check.Outcome.FAIL, c.outcome(), c.error() + " " + c.summary());
    assertTrue(c.measurements().stream().anyMatch(m -> m.metric().equals("effect") && m.subject().equals(Subject.slice("f1", "a").and("f3", "c"))));
  }

  @Test
  void numericColumnsAreBinnedAtQuantilesAsFairnessBandsThem() {
    double[] v = new double[100];
    for (int i = 0; i < v.length; i++) {
      v[i] = i;
    }
    double[] cuts = SliceDiscoveryCheck.cuts(v, 4);
    assertEquals(List.of(25.0, 50.0, 75.0), java.util.Arrays.stream(cuts).boxed().toList());
    assertEquals(List.of("<25", "[25,50)", "[50,75)", ">=75"), SliceDiscoveryCheck.bandNames(cuts));
    assertEquals(0, SliceDiscoveryCheck.band(24.9, cuts));
    assertEquals(1, SliceDiscoveryCheck.band(25, cuts));
    assertEquals(3, SliceDiscoveryCheck.band(99, cuts));
  }
}
