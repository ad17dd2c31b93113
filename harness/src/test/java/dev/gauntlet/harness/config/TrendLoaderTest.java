package dev.gauntlet.harness.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.MetricCondition;
import dev.gauntlet.harness.check.TrendCondition;
import dev.gauntlet.harness.performance.PerformanceCheck;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.RunFixtures;
import dev.gauntlet.harness.run.Suite;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trend conditions are validated like every condition: at load (file:line:column) and in the Java builder. */
class TrendLoaderTest {
  @TempDir
  Path dir;

  UsageException load(String conditions) throws Exception {
    Files.writeString(dir.resolve("t.schema.yaml"), RunFixtures.SCHEMA_YAML);
    Path s = dir.resolve("s.yaml");
    Files.writeString(s, """
        name: s
        model: {type: dl4j, path: no-such-model.zip}
        data: {path: no-such-data.csv, schema: t.schema.yaml}
        history: {url: off}
        checks:
          - id: perf
            type: performance
            conditions:
        """ + conditions);
    return assertThrows(UsageException.class, () -> new SuiteLoader().load(s, OptionalLong.empty(), null));
  }

  @Test
  void anUnknownMetricOrSubjectInATrendConditionIsRefusedAtItsPlace() throws Exception {
    UsageException e = load("      - {metric: acuracy, sustainedDrop: {windows: 3, by: 0.05}}\n");
    assertTrue(e.getMessage().contains("s.yaml:9:") && e.getMessage().contains("Did you mean 'accuracy'?"), e.getMessage());
    UsageException sub = load("      - {metric: accuracy, subject: sex=F, controlChart: {}}\n");
    assertTrue(sub.getMessage().contains("s.yaml:9:"), sub.getMessage());
    // a valid trend condition gets past the conditions: the next error is the missing data file
    UsageException data = load("      - {metric: accuracy, maxDropFromPromoted: 0.02}\n");
    assertTrue(data.getMessage().contains("no-such-data.csv"), data.getMessage());
  }

  @Test
  void theJavaBuilderValidatesTrendConditionsToo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suite.builder("s").model(RunFixtures.good("m"))
        .data(RunFixtures.table(50, false))
        .check(new CheckSpec<>("perf", new PerformanceCheck(30, 0.95), List.of(MetricCondition.atLeast("accuracy", 0.5),
            TrendCondition.controlChart("acuracy", 3, 8)), true)).build());
    assertTrue(e.getMessage().contains("check 'perf'") && e.getMessage().contains("accuracy"), e.getMessage());
  }
}
