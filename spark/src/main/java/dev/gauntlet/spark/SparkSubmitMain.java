package dev.gauntlet.spark;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The main class for {@code spark-submit}: {@code spark-submit --class dev.gauntlet.spark.SparkSubmitMain
 * gauntlet-spark.jar audit --suite suite.yaml}. Runs Gauntlet's own command line ({@code audit},
 * {@code monitor}, {@code checks}, ...) with the Spark engine for {@code audit} and {@code monitor},
 * on the session of spark-submit's configuration: the master is spark-submit's {@code --master}
 * (a {@code --master} after the command is refused), its {@code --conf} settings apply. The exit
 * code is the command's (0 passed, 1 failed, 2 bad input, 3 internal error).
 */
public final class SparkSubmitMain {
  /** Set while running under this main: the engine takes spark-submit's master. */
  static final String SUBMITTED = "gauntlet.spark.submit";
  private static final Set<String> WITH_ENGINE = Set.of("audit", "monitor");

  private SparkSubmitMain() {}

  public static void main(String[] args) throws Throwable {
    System.setProperty(SUBMITTED, "true");
    // The command line lives in gauntlet-suites, inside the jar but not a compile dependency of this module.
    try {
      Class.forName("dev.gauntlet.suites.cli.Main").getMethod("main", String[].class).invoke(null, (Object) withSparkEngine(args));
    } catch (ClassNotFoundException e) {
      System.err.println("gauntlet: this jar has no command line (dev.gauntlet.suites.cli.Main); submit the gauntlet-spark jar built with"
          + " mvn -Pspark-jar package (spark/target/gauntlet-spark-*-submit.jar)");
      System.exit(2);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The arguments with {@code --engine spark} after an {@code audit} or {@code monitor} command that names no engine. */
  static String[] withSparkEngine(String[] args) {
    if (args.length == 0 || !WITH_ENGINE.contains(args[0])) {
      return args;
    }
    for (String a : args) {
      if (a.equals("--engine") || a.startsWith("--engine=")) {
        return args;
      }
    }
    List<String> out = new ArrayList<>(List.of(args));
    out.addAll(1, List.of("--engine", "spark"));
    return out.toArray(new String[0]);
  }

  /** Whether this JVM runs under {@link #main} (spark-submit). */
  static boolean submitted() {
    return Boolean.getBoolean(SUBMITTED);
  }
}
