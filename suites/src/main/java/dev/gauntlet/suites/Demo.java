package dev.gauntlet.suites;

import dev.gauntlet.fixtures.DemoInputs;
import dev.gauntlet.harness.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The built-in demo: writes its inputs (data, schema, models, suite) into a folder and returns the suite file. */
public final class Demo {
  private Demo() {}

  /** The demo suite's YAML text. */
  public static String suiteText() {
    return resource("demo/suite.yaml");
  }

  /** The demo monitor suite's YAML text. */
  public static String monitorSuiteText() {
    return resource("demo/monitor.yaml");
  }

  private static String resource(String name) {
    try (InputStream in = Demo.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the suites jar lacks " + name);
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Materialises the demo inputs into {@code dir} and writes {@code suite.yaml} there. */
  public static Path prepare(Path dir, Consumer<String> progress) {
    DemoInputs.materialize(dir, progress);
    return writeSuite(dir.resolve("suite.yaml"), suiteText());
  }

  /**
   * Materialises the demo inputs and the production logs ({@link dev.gauntlet.fixtures.MonitorDemo})
   * into {@code dir} and writes {@code monitor.yaml} there.
   */
  public static Path prepareMonitor(Path dir, Consumer<String> progress) {
    DemoInputs.materialize(dir, progress);
    dev.gauntlet.fixtures.MonitorDemo.materialize(dir, progress);
    return writeSuite(dir.resolve("monitor.yaml"), monitorSuiteText());
  }

  private static Path writeSuite(Path suite, String text) {
    try {
      if (!Files.exists(suite) || !Files.readString(suite).equals(text)) {
        Files.writeString(suite, text);
      }
    } catch (IOException e) {
      throw new UsageException(suite + ": cannot write the demo suite: " + e.getMessage(), e);
    }
    return suite;
  }
}
