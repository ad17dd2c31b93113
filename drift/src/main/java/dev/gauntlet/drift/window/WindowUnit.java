package dev.gauntlet.drift.window;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;

/** How evaluation data is cut into successive windows. Calendar units are in UTC. */
public enum WindowUnit {
  /** One calendar day. */
  DAY,
  /** One ISO week, Monday to Sunday. */
  WEEK,
  /** One calendar month. */
  MONTH,
  /** One calendar quarter (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec). */
  QUARTER,
  /** A fixed number of rows in time order. */
  ROWS;

  /**
   * A calendar key: consecutive periods have consecutive keys, so key differences count periods.
   * Not defined for {@link #ROWS}.
   */
  public long key(long epochSeconds) {
    LocalDate d = LocalDate.ofEpochDay(Math.floorDiv(epochSeconds, 86_400L));
    return switch (this) {
      case DAY -> d.toEpochDay();
      case WEEK -> Math.floorDiv(d.toEpochDay() + 3, 7); // epoch day 0 was a Thursday; weeks start on Monday
      case MONTH -> d.getYear() * 12L + d.getMonthValue() - 1;
      case QUARTER -> d.getYear() * 4L + (d.getMonthValue() - 1) / 3;
      case ROWS -> throw new IllegalStateException("row-count windows have no calendar key");
    };
  }

  /** The label of the period with this key, e.g. {@code 2023-05}, {@code 2023Q2}, {@code 2023-W05}. */
  public String label(long key) {
    return switch (this) {
      case DAY -> LocalDate.ofEpochDay(key).toString();
      case WEEK -> {
        LocalDate monday = LocalDate.ofEpochDay(key * 7 - 3);
        yield String.format("%d-W%02d", monday.get(IsoFields.WEEK_BASED_YEAR), monday.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      }
      case MONTH -> String.format("%04d-%02d", Math.floorDiv(key, 12), Math.floorMod(key, 12) + 1);
      case QUARTER -> String.format("%04dQ%d", Math.floorDiv(key, 4), Math.floorMod(key, 4) + 1);
      case ROWS -> "rows#" + key;
    };
  }

  /** The first instant of the period with this key, in epoch seconds. */
  public long start(long key) {
    LocalDate d = switch (this) {
      case DAY -> LocalDate.ofEpochDay(key);
      case WEEK -> LocalDate.ofEpochDay(key * 7 - 3);
      case MONTH -> LocalDate.of((int) Math.floorDiv(key, 12), (int) Math.floorMod(key, 12) + 1, 1);
      case QUARTER -> LocalDate.of((int) Math.floorDiv(key, 4), (int) Math.floorMod(key, 4) * 3 + 1, 1);
      case ROWS -> throw new IllegalStateException("row-count windows have no calendar start");
    };
    return d.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
  }
}
