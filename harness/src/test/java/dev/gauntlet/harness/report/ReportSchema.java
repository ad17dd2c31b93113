package dev.gauntlet.harness.report;

import static org.junit.jupiter.api.Assertions.fail;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Validates report.json against the published JSON Schema
 * ({@code dev/gauntlet/harness/report/report.schema.json}). Every test that renders or writes a
 * report calls it, so the schema and the records cannot drift apart.
 */
public final class ReportSchema {
  /** Where the schema lives on the classpath. */
  public static final String RESOURCE = "/dev/gauntlet/harness/report/report.schema.json";

  private static Schema schema;

  private ReportSchema() {}

  /** The schema's text. */
  public static String text() {
    try (InputStream in = ReportSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static synchronized Schema schema() {
    if (schema == null) {
      schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(text(), InputFormat.JSON);
    }
    return schema;
  }

  /** The violations of {@code json} against the schema (empty when valid). */
  public static List<String> violations(String json) {
    return schema().validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  /** Fails with every violation when {@code json} does not follow the schema. */
  public static void assertValid(String json) {
    List<String> v = violations(json);
    if (!v.isEmpty()) {
      fail("report.json does not follow " + RESOURCE + ":\n  " + String.join("\n  ", v.subList(0, Math.min(20, v.size())))
          + (v.size() > 20 ? "\n  (" + (v.size() - 20) + " more)" : ""));
    }
  }

  /** {@link #assertValid(String)} on a written report.json (or a folder holding one). */
  public static void assertValid(Path reportOrDir) {
    Path p = Files.isDirectory(reportOrDir) ? reportOrDir.resolve("report.json") : reportOrDir;
    try {
      assertValid(Files.readString(p));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
