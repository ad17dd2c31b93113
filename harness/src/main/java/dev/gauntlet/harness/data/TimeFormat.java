package dev.gauntlet.harness.data;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Pattern;

/**
 * How a timestamp column's values are written, from the schema's {@code format}: ISO (no format),
 * a {@link DateTimeFormatter} pattern (fields it lacks default to the start: {@code yyyy} is 1 January
 * of that year, {@code yyyy-MM} the first of the month), or an epoch number ({@code epoch-seconds},
 * {@code epoch-millis}, whole numbers, UTC). Every value becomes epoch seconds (UTC).
 */
public final class TimeFormat {
  public static final String EPOCH_SECONDS = "epoch-seconds";
  public static final String EPOCH_MILLIS = "epoch-millis";
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,19}");
  private static final Pattern YEAR = Pattern.compile("\\d{4}");
  private static final Pattern YEAR_MONTH = Pattern.compile("\\d{4}-\\d{2}");

  private final String format;
  private final DateTimeFormatter pattern;

  private TimeFormat(String format) {
    this.format = format;
    this.pattern = format == null || isEpoch(format) ? null
        : new DateTimeFormatterBuilder().appendPattern(format)
            .parseDefaulting(ChronoField.MONTH_OF_YEAR, 1)
            .parseDefaulting(ChronoField.DAY_OF_MONTH, 1)
            .toFormatter();
  }

  /**
   * The format named by a schema's {@code format} (null for ISO).
   *
   * @throws IllegalArgumentException naming the problem when the pattern is invalid
   */
  public static TimeFormat of(String format) {
    return new TimeFormat(format);
  }

  static boolean isEpoch(String format) {
    return EPOCH_SECONDS.equals(format) || EPOCH_MILLIS.equals(format);
  }

  /** The schema's text, or null for ISO. */
  public String format() {
    return format;
  }

  /**
   * Epoch seconds (UTC) of a value.
   *
   * @throws DateTimeParseException when the value is not of this form; {@link #expected()} says what was
   */
  public long parse(String v) {
    if (EPOCH_SECONDS.equals(format) || EPOCH_MILLIS.equals(format)) {
      if (!INTEGER.matcher(v).matches()) {
        throw new DateTimeParseException("not a whole number", v, 0);
      }
      long n;
      try {
        n = Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new DateTimeParseException("out of range", v, 0);
      }
      return EPOCH_MILLIS.equals(format) ? Math.floorDiv(n, 1000L) : n;
    }
    if (pattern != null) {
      TemporalAccessor t = pattern.parseBest(v, LocalDateTime::from, LocalDate::from);
      if (t instanceof LocalDateTime ldt) {
        return ldt.toEpochSecond(ZoneOffset.UTC);
      }
      return ((LocalDate) t).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }
    return iso(v);
  }

  /** ISO date, date-time (with {@code T} or a space) or offset date-time. */
  static long iso(String v) {
    if (v.length() == 10) {
      return LocalDate.parse(v).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }
    if (v.endsWith("Z") || v.matches(".*[+-]\\d\\d:\\d\\d$")) {
      return OffsetDateTime.parse(v).toEpochSecond();
    }
    return LocalDateTime.parse(v.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
  }

  /** What a value of this form looks like, for messages. */
  public String expected() {
    if (format == null) {
      return "a date in ISO form (2024-01-31 or 2024-01-31T12:00:00); set 'format' in the schema for other forms"
          + " (a pattern such as yyyy, yyyy-MM or dd/MM/yyyy, or epoch-seconds / epoch-millis)";
    }
    if (isEpoch(format)) {
      return "a whole number of " + (EPOCH_SECONDS.equals(format) ? "seconds" : "milliseconds") + " since 1970-01-01T00:00:00Z (format " + format + ")";
    }
    return "a time of the form '" + format + "'";
  }

  /**
   * A bound of a time range ({@code from}/{@code to}) as epoch seconds: the start of the period the
   * text names when {@code upper} is false, the first second after it when true (so {@code to} is
   * inclusive of its whole period: {@code to: 2013} keeps all of 2013, {@code to: 2013-12-31} the
   * whole day). Accepts {@code yyyy}, {@code yyyy-MM}, an ISO date or date-time, or a value in this
   * column's own format.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public long bound(String text, boolean upper) {
    String v = text.strip();
    try {
      if (YEAR.matcher(v).matches()) {
        LocalDate d = LocalDate.of(Integer.parseInt(v), 1, 1);
        return (upper ? d.plusYears(1) : d).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      }
      if (YEAR_MONTH.matcher(v).matches()) {
        LocalDate d = LocalDate.of(Integer.parseInt(v.substring(0, 4)), Integer.parseInt(v.substring(5)), 1);
        return (upper ? d.plusMonths(1) : d).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      }
      if (v.length() == 10 && v.charAt(4) == '-') {
        LocalDate d = LocalDate.parse(v);
        return (upper ? d.plusDays(1) : d).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid date: " + e.getMessage());
    }
    try {
      return iso(v) + (upper ? 1 : 0);
    } catch (DateTimeParseException e) {
      // fall through to the column's own format
    }
    try {
      return parse(v) + (upper ? 1 : 0);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a time: expected a year (2013), a year-month (2013-03), an ISO date"
          + " (2013-12-31) or date-time (2013-12-31T23:59:59)" + (format == null ? "" : ", or " + expected()));
    }
  }

  /** A literal compared with a time column in a filter: ISO forms or this column's format. */
  public long literal(String text) {
    String v = text.strip();
    try {
      return parse(v);
    } catch (DateTimeParseException e) {
      // try ISO and the short forms
    }
    try {
      return bound(v, false);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' is not a time: expected an ISO date (2013-12-31), a date-time, a year, a year-month"
          + (format == null ? "" : ", or " + expected()));
    }
  }
}
