package dev.gauntlet.attacks.adversarial;

import dev.gauntlet.harness.metric.ParamDecl;
import dev.gauntlet.harness.metric.ParamException;
import java.util.Arrays;

/** Validation of the options the adversarial checks share. */
final class CheckOptions {
  /** A plain CSV file name: no directories, so exports stay in the output directory. */
  static final String EXPORT_NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*\\.csv";

  private CheckOptions() {}

  /** Throws {@link ParamException} naming the first option out of range: the one validator of these params. */
  static void validate(int maxRows, int minGroupSize, int fragileRows, String export, int[] imageShape, double confidence) {
    ParamException.inRange("maxRows", maxRows, 1, 10_000_000);
    ParamException.inRange("minGroupSize", minGroupSize, 1, 10_000_000);
    ParamException.inRange("fragileRows", fragileRows, 0, 10_000);
    ParamException.require(export == null || export.matches(EXPORT_NAME), "export",
        "export must be a plain file name ending in .csv (letters, digits, '_', '-', '.'), got '" + export + "'");
    ParamException.require(imageShape == null || imageShape.length == 2 && imageShape[0] >= 1 && imageShape[1] >= 1, "imageShape",
        "imageShape must be [width, height] with positive sides, got " + Arrays.toString(imageShape));
    ParamException.inRange("confidence", confidence, 0.5, 0.999);
  }

  /** The parameters every adversarial check shares, for the published declarations. */
  static java.util.List<ParamDecl> common(int maxRows) {
    return java.util.List.of(
        ParamDecl.of("maxRows", "integer in [1, 10000000]", Integer.toString(maxRows), "rows attacked at most (a seeded sample when the data has more)"),
        ParamDecl.of("groups", "list of categorical columns", "the protected attributes", "columns whose groups are broken down"),
        ParamDecl.of("minGroupSize", "integer in [1, 10000000]", "30", "groups with fewer sampled rows are INCONCLUSIVE"),
        ParamDecl.of("fragileRows", "integer in [0, 10000]", "10", "how many fragile rows the evidence lists"),
        ParamDecl.of("export", "plain file name ending in .csv", "none", "CSV of the attacked rows in the output directory"),
        ParamDecl.of("imageShape", "[width, height], positive", "square images detected", "image shape when inputs are images"),
        ParamDecl.of("confidence", "number in [0.5, 0.999]", "0.95", "level of the Wilson intervals"));
  }

  /** The attack parameters, for the published declarations. */
  static java.util.List<ParamDecl> attack() {
    return java.util.List.of(
        ParamDecl.of("attack", "fgsm | bim | pgd | apgd-ce | apgd-dlr | autoattack | simba | square | hsj | noise", "pgd", "the attack conditions judge"),
        ParamDecl.of("norm", "linf | l2", "linf", "norm of the epsilon ball (encoded units)"),
        ParamDecl.of("steps", "integer in [1, 10000]", "10 (bim, pgd); 100 (apgd, autoattack)", "gradient steps of bim, pgd, apgd and of each apgd run of autoattack (fgsm takes one)"),
        ParamDecl.of("stepSize", "number in (0, 10]; not for apgd, autoattack, hsj", "2.5 / steps (bim, pgd); 0.5 (simba l2)", "one step as a fraction of epsilon"),
        ParamDecl.of("restarts", "integer in [1, 100]; pgd and apgd only", "1", "random restarts of pgd and apgd"),
        ParamDecl.of("target", "a class of the label", "untargeted", "the class a targeted attack pushes towards"),
        ParamDecl.of("queryBudget", "integer in [1, 1000000]", "100 (simba, noise); 1000 (square, hsj, autoattack)",
            "model queries per row (simba, square, hsj, autoattack's square stage) or draws (noise)"));
  }
}
