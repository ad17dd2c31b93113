package dev.gauntlet.harness.run;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A suite name names the output folder: the Java API checks it by the rule the YAML loader uses. */
class SuiteNameTest {
  @Test
  void aNameThatWouldLeaveTheOutputFolderIsRefusedByTheJavaApi() {
    for (String bad : List.of("../../x", "..", ".", "a/b", "a\\b", "", " x", ".hidden", "x\u001b[2J")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suite.builder(bad).build(), bad);
      assertTrue(e.getMessage().contains(Suite.NAME_RULE), e.getMessage());
      assertFalse(Suite.isValidName(bad), bad);
    }
  }

  @Test
  void theRuleAcceptsWhatTheLoaderAccepts() {
    for (String good : List.of("lending-demo", "a", "v1.2_x", "0")) {
      assertTrue(Suite.isValidName(good), good);
    }
  }
}
