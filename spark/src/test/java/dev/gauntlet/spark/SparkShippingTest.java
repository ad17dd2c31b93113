package dev.gauntlet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.UsageException;
import dev.gauntlet.harness.check.Check;
import dev.gauntlet.harness.check.CheckContext;
import dev.gauntlet.harness.check.CheckValue;
import dev.gauntlet.harness.check.Measurement;
import dev.gauntlet.harness.check.Trial;
import dev.gauntlet.harness.config.SuiteLoader;
import dev.gauntlet.harness.metric.Direction;
import dev.gauntlet.harness.metric.MetricDecl;
import dev.gauntlet.harness.metric.MetricSet;
import dev.gauntlet.harness.metric.Subject;
import dev.gauntlet.harness.model.Capability;
import dev.gauntlet.harness.run.CheckSpec;
import dev.gauntlet.harness.run.Suite;
import dev.gauntlet.harness.run.SuiteRunner;
import dev.gauntlet.harness.summary.ShippableSummarizer;
import dev.gauntlet.harness.summary.Summarizer;
import dev.gauntlet.harness.summary.UnshippableSummarizerException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A summariser that cannot travel to the executors is refused, naming what does not serialise, and stops the run naming the check. */
class SparkShippingTest {

  @Test
  void aSummarizerThatIsNotShippableIsRefusedNamingItsClass(@TempDir Path dir) throws Exception {
    Suite suite = new SuiteLoader().load(SparkEngineEqualityTest.synthetic(dir), OptionalLong.empty(), null);
    try (SparkEngine engine = new SparkEngine(Sessions.shared(), false, suite.data(), null, 2)) {
      Summarizer<RowCount> plain = part -> new RowCount(part.size());
      UnshippableSummarizerException e = assertThrows(UnshippableSummarizerException.class, () -> engine.summarize(suite.data(), null, plain));
      assertTrue(e.getMessage().startsWith("its summariser (" + plain.getClass().getName() + ") is not a ShippableSummarizer"), e.getMessage());
      Object notSerializable = new Object();
      ShippableSummarizer<RowCount> capturing = part -> new RowCount(part.size() + (notSerializable.hashCode() == 0 ? 1 : 0));
      e = assertThrows(UnshippableSummarizerException.class, () -> engine.summarize(suite.data(), null, capturing));
      assertTrue(e.getMessage().contains("cannot be sent to the Spark executors") && e.getMessage().contains("java.io.NotSerializableException: java.lang.Object"),
          e.getMessage());
      ShippableSummarizer<RowCount> fine = part -> new RowCount(part.size());
      assertEquals(6000, engine.summarize(suite.data(), null, fine).rows(), "a shippable one runs");
      // The executors' allow-list: a class outside Gauntlet, the JDK and the summariser's package is refused.
      ShippableSummarizer<RowCount> foreign = new Foreign(new scala.Tuple2<>(1, 2));
      UsageException refused = assertThrows(UsageException.class, () -> engine.summarize(suite.data(), null, foreign));
      assertTrue(refused.getMessage().contains("REJECTED") || refused.getMessage().contains("filter"), refused.getMessage());
      assertEquals("maxdepth=64;dev.gauntlet.**;java.base/*;!*", SparkEngine.allowed(fine));
    }
  }

  /** A shippable summariser capturing a serialisable value of a class the executors' filter does not let through (Scala's). */
  private record Foreign(Object held) implements ShippableSummarizer<RowCount> {
    @Override
    public RowCount summarize(dev.gauntlet.harness.summary.Partition part) {
      return new RowCount(part.size());
    }
  }

  /** A check of the user's whose summariser is a plain lambda: on Spark the run stops (exit 2) naming the check. */
  @Test
  void theRunStopsWithExit2NamingTheCheck(@TempDir Path dir) throws Exception {
    Suite s = new SuiteLoader().load(SparkEngineEqualityTest.synthetic(dir), OptionalLong.empty(), null);
    Check<CheckValue> rows = new Check<>() {
      @Override
      public String title() {
        return "Rows";
      }

      @Override
      public Trial trial() {
        return Trial.PERFORMANCE;
      }

      @Override
      public String description() {
        return "counts the rows";
      }

      @Override
      public MetricSet metrics() {
        return MetricSet.of(MetricDecl.of("rows", Direction.HIGHER_IS_BETTER, "rows"));
      }

      @Override
      public Set<Capability> requires() {
        return Set.of();
      }

      @Override
      public CheckValue run(CheckContext ctx) {
        long n = ctx.summarizeData(false, part -> new RowCount(part.size())).rows();
        return new CheckValue(List.of(Measurement.of("rows", Subject.all(), n, n)), List.of(), n + " rows");
      }
    };
    Suite suite = new Suite(s.name(), s.seed(), s.model(), s.baseline(), s.data(), s.reference(), s.threshold(), s.gate(),
        List.of(CheckSpec.of("my-rows", rows, dev.gauntlet.harness.check.MetricCondition.atLeast("rows", 1))), s.text(), s.file(), s.schema(), s.checkTimeLimit(), s.modelDeterministic(), s.baselineDeterministic());
    assertEquals(6000.0, new SuiteRunner(null, null, null).run(suite).checks().get(0).measurements().get(0).value(), "in-process it runs");
    try (SparkEngine engine = new SparkEngine(Sessions.shared(), false, suite.data(), suite.model(), 2)) {
      UsageException e = assertThrows(UsageException.class, () -> new SuiteRunner(null, null, null).engine(engine).run(suite));
      assertTrue(e.getMessage().startsWith("check 'my-rows': its summariser (") && e.getMessage().contains("is not a ShippableSummarizer"), e.getMessage());
      assertEquals(2, e.exitCode(), "bad input: exit 2");
    }
  }
}
