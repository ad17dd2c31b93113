package dev.gauntlet.drift.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * A streaming change detector over a sequence of numbers (here the model's per-row errors, 0 or 1,
 * in time order). A detector is stateful and single-threaded; after it signals a change it starts
 * over on what follows (ADWIN keeps the part of its window after the cut).
 */
public sealed interface DriftDetector permits PageHinkley, Ddm, Adwin {

  /** The detector's name and parameters, e.g. {@code ADWIN(delta=0.002)}. */
  String name();

  /** Feeds one value; true when a change is detected at this value. */
  boolean update(double x);

  /** A new detector with the same parameters and no state. */
  DriftDetector fresh();

  /** The three detectors with their published default parameters. */
  static List<DriftDetector> defaults() {
    return List.of(new PageHinkley(), new Ddm(), new Adwin());
  }

  /** Runs a fresh copy of {@code detector} over a stream; the 0-based positions of its alarms. */
  static int[] alarms(DriftDetector detector, double[] stream) {
    DriftDetector d = detector.fresh();
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < stream.length; i++) {
      if (d.update(stream[i])) {
        out.add(i);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
