package dev.gauntlet.harness.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gauntlet.harness.run.SuiteResult;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code report.json}: the whole {@link SuiteResult}, versioned by {@code schemaVersion}. Map keys
 * are sorted so that the same run gives the same bytes, apart from the volatile fields listed in
 * {@link #VOLATILE_FIELDS}. NaN is written as the string {@code "NaN"}.
 */
public final class JsonReport {
  /** JSON pointers (with {@code *} for every array element) of fields that differ between identical runs. */
  public static final java.util.List<String> VOLATILE_FIELDS = java.util.List.of(
      "/provenance/startedAt", "/provenance/durationMillis", "/checks/*/durationMillis", "/provenance/command");

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      // A subject is written in its one canonical text form, e.g. "sex=F&eps=0.05".
      .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("gauntlet-subject")
          .addSerializer(dev.gauntlet.harness.metric.Subject.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance))
      .build();

  private JsonReport() {}

  public static String render(SuiteResult r) {
    try {
      return MAPPER.writeValueAsString(r) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
