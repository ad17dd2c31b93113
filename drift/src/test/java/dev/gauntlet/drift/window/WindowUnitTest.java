package dev.gauntlet.drift.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Calendar keys and labels, checked against dates worked out by hand from a calendar. */
class WindowUnitTest {
  static long at(String date) {
    return LocalDate.parse(date).atStartOfDay().toEpochSecond(ZoneOffset.UTC) + 3600 * 13;
  }

  @Test
  void weeksRunMondayToSundayWithIsoNumbers() {
    // 2023-01-01 was a Sunday: it belongs to ISO week 2022-W52; Monday 2023-01-02 starts 2023-W01.
    assertEquals("2022-W52", WindowUnit.WEEK.label(WindowUnit.WEEK.key(at("2023-01-01"))));
    assertEquals("2023-W01", WindowUnit.WEEK.label(WindowUnit.WEEK.key(at("2023-01-02"))));
    assertEquals(WindowUnit.WEEK.key(at("2023-01-02")), WindowUnit.WEEK.key(at("2023-01-08")));
    assertEquals(WindowUnit.WEEK.key(at("2023-01-02")) + 1, WindowUnit.WEEK.key(at("2023-01-09")));
    assertEquals(at("2023-01-02") - 3600 * 13, WindowUnit.WEEK.start(WindowUnit.WEEK.key(at("2023-01-05"))));
    // 2020-12-31 (Thursday) is in 2020-W53.
    assertEquals("2020-W53", WindowUnit.WEEK.label(WindowUnit.WEEK.key(at("2020-12-31"))));
  }

  @Test
  void monthsAndQuartersCountConsecutively() {
    assertEquals("2023-12", WindowUnit.MONTH.label(WindowUnit.MONTH.key(at("2023-12-31"))));
    assertEquals(WindowUnit.MONTH.key(at("2023-12-31")) + 1, WindowUnit.MONTH.key(at("2024-01-01")));
    assertEquals("2014Q2", WindowUnit.QUARTER.label(WindowUnit.QUARTER.key(at("2014-06-30"))));
    assertEquals("2014Q3", WindowUnit.QUARTER.label(WindowUnit.QUARTER.key(at("2014-07-01"))));
    assertEquals(4, WindowUnit.QUARTER.key(at("2014-01-01")) - WindowUnit.QUARTER.key(at("2013-01-01")));
    assertEquals("2024-02-29", WindowUnit.DAY.label(WindowUnit.DAY.key(at("2024-02-29"))));
    assertEquals(at("2014-04-01") - 3600 * 13, WindowUnit.QUARTER.start(WindowUnit.QUARTER.key(at("2014-05-17"))));
  }
}
