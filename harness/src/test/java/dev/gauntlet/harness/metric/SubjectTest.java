package dev.gauntlet.harness.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gauntlet.harness.config.ConfigNode;
import dev.gauntlet.harness.data.Schema;
import dev.gauntlet.harness.data.SchemaLoader;
import dev.gauntlet.harness.metric.Subject.Dim;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one subject grammar: canonical order and numbers, escaping, shapes, and the schema check. */
class SubjectTest {
  private static final Schema SCHEMA = SchemaLoader.parse(ConfigNode.parse("s.yaml", """
      name: s
      columns:
        - {name: income, type: numeric, role: feature}
        - {name: sex, type: binary, roles: [feature, protected], categories: [F, M]}
        - {name: region, type: categorical, roles: [feature, protected], categories: [north, south]}
        - {name: y, type: binary, role: label, categories: ["no", "yes"]}
      """));

  @Test
  void partsAreWrittenInOneCanonicalOrderWhateverOrderTheyAreGivenIn() {
    // slice attributes first in the order given, then feature, window, attack, eps, severity, detector
    Subject s = Subject.eps(0.05).with(Dim.WINDOW, "2024-03").and("sex", "F").and("region", "north").with(Dim.ATTACK, "pgd-linf");
    assertEquals("sex=F&region=north&window=2024-03&attack=pgd-linf&eps=0.05", s.toString());
    assertEquals(s, Subject.parse("eps=0.05&attack=pgd-linf&sex=F&window=2024-03&region=north"));
    assertEquals(Set.of(Dim.SLICE, Dim.WINDOW, Dim.ATTACK, Dim.EPS), s.dims());
  }

  @Test
  void numbersAreCanonicalSoEquivalentSpellingsNameTheSameSubject() {
    assertEquals(Subject.eps(0.05), Subject.parse("eps=0.050"));
    assertEquals("eps=0.05", Subject.parse("eps=5e-2").toString());
    assertEquals("severity=1", Subject.parse("severity=1.0").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subject.parse("eps=big"));
    assertTrue(e.getMessage().contains("eps must be a number"), e.getMessage());
  }

  @Test
  void reservedCharactersInValuesAreEscapedAndReadBack() {
    Subject s = Subject.slice("region", "a&b=c\\d");
    assertEquals("region=a\\&b\\=c\\\\d", s.toString());
    assertEquals(s, Subject.parse(s.toString()));
    assertEquals("a&b=c\\d", Subject.parse(s.toString()).attributes().get("region"));
  }

  @Test
  void malformedTextAndRepeatedKeysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Subject.parse("sex"));
    assertThrows(IllegalArgumentException.class, () -> Subject.parse("=F"));
    assertThrows(IllegalArgumentException.class, () -> Subject.parse("sex=F&sex=M"));
    assertThrows(IllegalArgumentException.class, () -> Subject.parse("eps=0.1&eps=0.2"));
    assertEquals(Subject.all(), Subject.parse(""));
    assertEquals("all rows", Subject.all().display());
  }

  @Test
  void shapesMatchOnTheSetOfDimensions() {
    MetricDecl d = MetricDecl.of("robust_accuracy", Direction.HIGHER_IS_BETTER, "x").about(SubjectShape.of(Dim.EPS), SubjectShape.of(Dim.SLICE, Dim.EPS));
    assertTrue(d.accepts(Subject.parse("eps=0.1")));
    assertTrue(d.accepts(Subject.parse("sex=F&region=north&eps=0.1")));
    assertTrue(!d.accepts(Subject.parse("sex=F")));
    assertEquals("eps=<number> or <attribute>=<value>[&...]&eps=<number>", d.subjectPatterns());
  }

  @Test
  void theSchemaCheckNamesUnknownAttributesCategoriesAndFeaturesWithTheNearestName() {
    SubjectCheck.against(Subject.parse("sex=F&region=north"), SCHEMA);
    SubjectCheck.against(Subject.parse("feature=sex*region"), SCHEMA); // an intersection's across-slice metrics
    SubjectCheck.against(Subject.parse("feature=score&window=2024-03"), SCHEMA);
    IllegalArgumentException a = assertThrows(IllegalArgumentException.class, () -> SubjectCheck.against(Subject.parse("sexx=F"), SCHEMA));
    assertTrue(a.getMessage().contains("Did you mean 'sex'?"), a.getMessage());
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> SubjectCheck.against(Subject.parse("region=nort"), SCHEMA));
    assertTrue(c.getMessage().contains("no category 'nort'") && c.getMessage().contains("Did you mean 'north'?"), c.getMessage());
    IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> SubjectCheck.against(Subject.parse("feature=sex*regio"), SCHEMA));
    assertTrue(f.getMessage().contains("feature 'regio'") && f.getMessage().contains("Did you mean 'region'?"), f.getMessage());
  }

  @Test
  void didYouMeanOnlyForNearMisses() {
    assertEquals("accuracy", MetricSet.nearest("acuracy", Set.of("accuracy", "auc")).orElseThrow());
    assertEquals("accuracy", MetricSet.nearest("accuarcy", Set.of("accuracy", "auc")).orElseThrow());
    assertTrue(MetricSet.nearest("psi", Set.of("accuracy", "balanced_accuracy")).isEmpty());
  }
}
